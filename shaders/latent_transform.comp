#version 450
// Affine warp of an NCHW f16 tensor with bilinear sampling, as PyTorch's
// grid_sample(input, affine_grid(theta), align_corners=False): output pixel
// (x, y) at the normalised position q = ((2x + 1) / W - 1, (2y + 1) / H - 1)
// samples the input at theta * (q, 1). The 2x3 theta is read from a buffer
// the host rewrites per frame. Edges: EDGE 0 reflects about the picture's
// border (padding_mode="reflection"), 1 clamps to the border pixels
// (padding_mode="border"). AFFINE 1: each channel then scaled and offset,
// y * scale[c] + offset[c] (the generator's colour anchor, fused).
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require

layout(local_size_x = 256, local_size_y = 1, local_size_z = 1) in;
layout(constant_id = 0) const uint EDGE = 0;
layout(constant_id = 1) const uint AFFINE = 0;

layout(std430, binding = 0) readonly buffer Input { float16_t x[]; };
layout(std430, binding = 1) readonly buffer Theta { float theta[]; };
layout(std430, binding = 2) writeonly buffer Output { float16_t y[]; };
layout(std430, binding = 3) readonly buffer Scale { float16_t scale[]; };  // [C]
layout(std430, binding = 4) readonly buffer Offset { float16_t offset[]; };  // [C]

// pixels = N * H * W; theta[first .. first + 5] is the matrix, row-major.
layout(push_constant) uniform Params { uint pixels, channels, width, height, first; } p;

// PyTorch's reflect_coordinates for align_corners=False: mirror about -0.5
// and size - 0.5, as often as needed.
float reflectCoordinate(float v, float size) {
  float d = abs(v + 0.5);
  float flips = floor(d / size);
  float extra = d - flips * size;
  return (int(flips) & 1) == 0 ? extra - 0.5 : size - 0.5 - extra;
}

float sourceCoordinate(float normalised, float size) {
  float v = ((normalised + 1.0) * size - 1.0) * 0.5;
  if (EDGE == 0) v = reflectCoordinate(v, size);
  return clamp(v, 0.0, size - 1.0);
}

void main() {
  float w = float(p.width), h = float(p.height);
  float t0 = theta[p.first], t1 = theta[p.first + 1], t2 = theta[p.first + 2];
  float t3 = theta[p.first + 3], t4 = theta[p.first + 4], t5 = theta[p.first + 5];
  uint plane = p.width * p.height;
  uint stride = gl_NumWorkGroups.x * 256;
  for (uint i = gl_GlobalInvocationID.x; i < p.pixels; i += stride) {
    uint n = i / plane, pixel = i % plane;
    uint ox = pixel % p.width, oy = pixel / p.width;
    float qx = (2.0 * float(ox) + 1.0) / w - 1.0;
    float qy = (2.0 * float(oy) + 1.0) / h - 1.0;
    float sx = sourceCoordinate(t0 * qx + t1 * qy + t2, w);
    float sy = sourceCoordinate(t3 * qx + t4 * qy + t5, h);
    float fx0 = floor(sx), fy0 = floor(sy);
    float fx = sx - fx0, fy = sy - fy0;
    uint x0 = uint(fx0), y0 = uint(fy0);
    uint x1 = min(x0 + 1, p.width - 1), y1 = min(y0 + 1, p.height - 1);  // weight 0 when clipped
    uint i00 = y0 * p.width + x0, i01 = y0 * p.width + x1, i10 = y1 * p.width + x0, i11 = y1 * p.width + x1;
    for (uint c = 0; c < p.channels; ++c) {
      uint base = (n * p.channels + c) * plane;
      float top = mix(float(x[base + i00]), float(x[base + i01]), fx);
      float bottom = mix(float(x[base + i10]), float(x[base + i11]), fx);
      float value = mix(top, bottom, fy);
      if (AFFINE != 0) value = value * float(scale[c]) + float(offset[c]);
      y[base + pixel] = float16_t(value);
    }
  }
}
