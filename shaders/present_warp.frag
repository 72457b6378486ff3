#version 450
// The output window's picture through its warp: the previous frame faded
// into the current one (mixed as stored, sRGB-encoded: a plain visual
// crossfade), dimmed for blackout, or the calibration grid instead; then the
// soft edges. A soft edge's ramp is linear in light: the stored value is
// scaled by ramp^(1/gamma), so two overlapping projectors add up to one.
layout(set = 0, binding = 0) uniform sampler2D previousFrame;
layout(set = 0, binding = 1) uniform sampler2D currentFrame;
layout(push_constant) uniform Push {
  vec4 edges;        // overlap widths: left, right, top, bottom (0..0.5 of the region)
  float mixAmount;   // 0 previous .. 1 current
  float brightness;  // 1 normal .. 0 black
  float gamma;       // the projector's
  float calibrate;   // 1: the grid instead of the picture
} push;
layout(location = 0) in vec2 uv;
layout(location = 1) in vec2 local;
layout(location = 0) out vec4 colour;

// Lines every 1/8 of the canvas, thicker at its border, on dark grey (so the
// warped area shows against the black around it), a circle in the middle.
vec3 calibrationGrid(vec2 p) {
  vec2 pixel = max(fwidth(p), vec2(1e-6));
  vec2 toLine = abs(fract(p * 8.0 + 0.5) - 0.5) / 8.0 / pixel;
  vec2 toBorder = min(p, 1.0 - p) / pixel;
  float line = step(min(toLine.x, toLine.y), 1.0) + step(min(toBorder.x, toBorder.y), 3.0);
  float circle = step(abs(length((p - 0.5) * vec2(1.0, 1.0)) - 0.25) / max(pixel.x, pixel.y), 1.0);
  return mix(vec3(0.1), vec3(1.0), clamp(line + circle, 0.0, 1.0));
}

float ramp(float distanceIn, float width) {
  return width > 0.0 ? clamp(distanceIn / width, 0.0, 1.0) : 1.0;
}

void main() {
  vec3 rgb = push.calibrate > 0.5
                 ? calibrationGrid(uv)
                 : mix(texture(previousFrame, uv).rgb, texture(currentFrame, uv).rgb, push.mixAmount) * push.brightness;
  float light = ramp(local.x, push.edges.x) * ramp(1.0 - local.x, push.edges.y) * ramp(local.y, push.edges.z) *
                ramp(1.0 - local.y, push.edges.w);
  colour = vec4(rgb * pow(light, 1.0 / push.gamma), 1.0);
}
