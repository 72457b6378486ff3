#version 450
// The presenter's full-viewport triangle: uv (0,0) at the top left, (1,1)
// at the bottom right of the viewport (the letterboxed frame rectangle).
layout(location = 0) out vec2 uv;

void main() {
  vec2 corner = vec2((gl_VertexIndex << 1) & 2, gl_VertexIndex & 2);
  uv = corner;
  gl_Position = vec4(corner * 2.0 - 1.0, 0.0, 1.0);
}
