#pragma once
// When the model kernels use OpenMP threads. Below these sizes a pass is
// faster on one thread: starting a team and its barriers cost more than the
// work saves (and far more on a loaded machine, where a descheduled thread
// stalls the whole team).

#include "ridgelens/types.hpp"

namespace ridgelens {

/// Multiply-adds of a pass over X (stored entries × outputs) from which
/// it is split across threads.
inline constexpr Index parallel_work_threshold = Index{1} << 20;

/// Per-sample loss evaluations (samples × outputs) from which a loop over
/// the samples is split across threads.
inline constexpr Index parallel_item_threshold = Index{1} << 16;

}  // namespace ridgelens
