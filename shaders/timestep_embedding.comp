#version 450
// Sinusoidal timestep embedding (diffusers get_timestep_embedding): one
// invocation per output value. The frequencies come from the host, computed
// as PyTorch does in f32; the argument t * f is reduced to [-pi, pi] here
// because GPU sin/cos are only accurate there and t reaches 1000.
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require

layout(local_size_x = 64) in;

layout(std430, binding = 0) readonly buffer Timesteps { float timesteps[]; };
layout(std430, binding = 1) readonly buffer Frequencies { float frequencies[]; };
layout(std430, binding = 2) writeonly buffer Output { float16_t y[]; };

layout(push_constant) uniform Params {
  uint batch;
  uint dim;
  uint halfDim;
  uint cosFirst;  // flip_sin_to_cos
} p;

// 2 pi split in three (Cody-Waite): k * TWO_PI_1 is exact for k < 2^15.
const float TWO_PI_1 = 6.28125;
const float TWO_PI_2 = 1.9353071693331003e-3;
const float TWO_PI_3 = 1.0253131677018246e-11;

void main() {
  uint index = gl_GlobalInvocationID.x;
  if (index >= p.batch * p.dim) return;
  uint row = index / p.dim, column = index % p.dim;
  float value = 0.0;  // odd dim: the last column is zero padding
  if (column < 2 * p.halfDim) {
    bool firstHalf = column < p.halfDim;
    float x = timesteps[row] * frequencies[firstHalf ? column : column - p.halfDim];
    float k = round(x * 0.15915494309189535);
    float r = ((x - k * TWO_PI_1) - k * TWO_PI_2) - k * TWO_PI_3;
    value = (firstHalf == (p.cosFirst != 0)) ? cos(r) : sin(r);
  }
  y[index] = float16_t(value);
}
