// A place in the UNet's forward pass where another module may transform the
// hidden state: after each layer (ResNet, then transformer if any) of a down
// or up block and after the mid block's transformer. Temporal layers
// (motion adapters) hook in here; the UNet itself stays a per-image model.
#pragma once
#include <cstdint>

#include "engine/nn/plan.h"

namespace afterimage::models {

struct UNetLayerSite {
  enum class Block { Down, Mid, Up };
  Block block;
  uint32_t index;  // down/up block index (up blocks in up order); 0 for the mid block
  uint32_t layer;  // the layer within the block
};

class UNetLayerHook {
 public:
  virtual ~UNetLayerHook() = default;
  // Returns the transformed hidden state, a new tensor of `hidden`'s shape
  // (the UNet releases `hidden` and takes ownership of the result), or
  // `hidden` itself to leave the site as it is.
  virtual nn::Tensor afterLayer(nn::Plan& plan, const UNetLayerSite& site, const nn::Tensor& hidden) = 0;
};

}  // namespace afterimage::models
