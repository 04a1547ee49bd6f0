#pragma once
// An exception that leaves an OpenMP parallel region calls std::terminate.
// Every region in which something can throw (an allocation, a caller's
// callback) runs its throwing parts through one FirstException and rethrows
// after the region, so the caller sees the exception (std::bad_alloc becomes
// the program's exit 4, a callback's error its own). Internal to the library.

#include <exception>

namespace ridgelens::parallel {

class FirstException {
  public:
    /// Runs `work`; an exception it throws is kept (the first one of the
    /// team) instead of leaving the region. Returns false if `work` threw.
    template <typename Work>
    bool run(Work&& work) noexcept {
        try {
            work();
            return true;
        } catch (...) {
#pragma omp critical(ridgelens_first_exception)
            {
                if (!error_) error_ = std::current_exception();
            }
            return false;
        }
    }

    /// After the region: rethrows the kept exception, if any.
    void rethrow() const {
        if (error_) std::rethrow_exception(error_);
    }

  private:
    std::exception_ptr error_;
};

}  // namespace ridgelens::parallel
