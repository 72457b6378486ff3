#version 450
// The generator's post effects: the decoded picture ([1, 3, H, W] f16,
// about [0, 1]) through an affine colour matrix (contrast, saturation, hue,
// brightness folded together on the host), a flash towards white (strobe),
// clamped and packed as RGBA8 (R in the lowest byte, alpha 255).
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require

layout(local_size_x = 256, local_size_y = 1, local_size_z = 1) in;

layout(std430, binding = 0) readonly buffer Image { float16_t image[]; };
// params[first ..]: rows r, g, b of [m0, m1, m2, offset], then strobe.
layout(std430, binding = 1) readonly buffer Params { float params[]; };
layout(std430, binding = 2) writeonly buffer Pixels { uint pixels[]; };

layout(push_constant) uniform Push { uint count, first; } p;  // count = H * W

void main() {
  uint f = p.first;
  mat3 m = mat3(params[f + 0], params[f + 4], params[f + 8],   // column 0
                params[f + 1], params[f + 5], params[f + 9],   // column 1
                params[f + 2], params[f + 6], params[f + 10]); // column 2
  vec3 offset = vec3(params[f + 3], params[f + 7], params[f + 11]);
  float strobe = params[f + 12];
  uint stride = gl_NumWorkGroups.x * 256;
  for (uint i = gl_GlobalInvocationID.x; i < p.count; i += stride) {
    vec3 rgb = vec3(float(image[i]), float(image[p.count + i]), float(image[2 * p.count + i]));
    rgb = mix(m * rgb + offset, vec3(1.0), strobe);
    pixels[i] = packUnorm4x8(vec4(clamp(rgb, 0.0, 1.0), 1.0));
  }
}
