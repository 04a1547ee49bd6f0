#pragma once
// OpenBLAS under an address-space limit (`ulimit -v`): each of its threads
// reserves a 128 MiB work buffer on its first BLAS call, and when the mmap
// fails its allocator retries without end (a hang, not an error).

namespace ridgelens::cli {

/// Before any BLAS call: when what is left of RLIMIT_AS cannot hold one work
/// buffer per OpenBLAS thread (plus a reserve), lowers OpenBLAS's thread count
/// to what fits; when not even one buffer fits, throws ResourceError (exit 4).
void fit_blas_threads_to_address_space();

}  // namespace ridgelens::cli
