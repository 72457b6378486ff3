#version 450
// The output window's picture: the previous frame faded into the current one
// (mixed as stored, sRGB-encoded: a plain visual crossfade), then dimmed for
// blackout.
layout(set = 0, binding = 0) uniform sampler2D previousFrame;
layout(set = 0, binding = 1) uniform sampler2D currentFrame;
layout(push_constant) uniform Push {
  float mixAmount;   // 0 previous .. 1 current
  float brightness;  // 1 normal .. 0 black
} push;
layout(location = 0) in vec2 uv;
layout(location = 0) out vec4 colour;

void main() {
  vec3 rgb = mix(texture(previousFrame, uv).rgb, texture(currentFrame, uv).rgb, push.mixAmount);
  colour = vec4(rgb * push.brightness, 1.0);
}
