#version 450
// Self-attention extended over a feature bank of past frames' keys and
// values (StreamV2V's extended self-attention): attention_body.glsl.
#extension GL_GOOGLE_include_directive : require
#define BANKED 1
#include "attention_body.glsl"
