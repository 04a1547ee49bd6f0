#pragma once
// Sets the OpenMP thread count for the lifetime of the object (one test) and
// restores the previous one.

#include <omp.h>

namespace ridgelens::testing {

class ThreadCount {
  public:
    explicit ThreadCount(int threads) : saved_(omp_get_max_threads()) {
        omp_set_num_threads(threads);
    }
    ~ThreadCount() { omp_set_num_threads(saved_); }
    ThreadCount(const ThreadCount&) = delete;
    ThreadCount& operator=(const ThreadCount&) = delete;

  private:
    int saved_;
};

}  // namespace ridgelens::testing
