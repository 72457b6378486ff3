#version 450
// Scaled dot-product attention on tensor cores: attention_coopmat_body.glsl.
#extension GL_GOOGLE_include_directive : require
#define BANKED 0
#include "attention_coopmat_body.glsl"
