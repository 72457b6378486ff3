#version 450
// The output window's warp mesh: triangles from ui/warp_geometry.h, two
// vec4s a vertex (window position and canvas uv; place in the output's
// region), read by index so the pipeline has no vertex input state.
layout(std430, set = 0, binding = 2) readonly buffer Vertices { vec4 data[]; } vertices;
layout(location = 0) out vec2 uv;     // canvas
layout(location = 1) out vec2 local;  // 0..1 across the output's region

void main() {
  vec4 positionAndUv = vertices.data[2 * gl_VertexIndex];
  uv = positionAndUv.zw;
  local = vertices.data[2 * gl_VertexIndex + 1].xy;
  gl_Position = vec4(positionAndUv.xy * 2.0 - 1.0, 0.0, 1.0);
}
