#pragma once
/// \file huge_pages.hpp
/// Storage for the engines' large buffers (training paths, per-path results): an allocator that
/// asks the kernel for transparent huge pages and leaves trivially constructible elements
/// uninitialised, so that the first touch of a buffer costs one page fault per 2 MiB instead of one
/// per 4 KiB, and happens in the parallel passes that write it rather than in a serial zero fill.
///
/// Why: a cold valuation spent most of its extra time in first-touch page faults (11.4 us per 4 KiB
/// page on this VM: 28 ms for the 10 MB of a 100,000-path Bermudan put, 1.3 s for the 400 MB of a
/// 1,000,000-path one); a 2 MiB-aligned allocation with madvise(MADV_HUGEPAGE) takes the same
/// 10 MB in 1.4 ms (benchmarks/bench_first_touch, docs/benchmarks.md). THP must be in `madvise` or
/// `always` mode (/sys/kernel/mm/transparent_hugepage/enabled); otherwise the advice is ignored and
/// the buffers behave as ordinary ones. Contents are unspecified after a resize that grows
/// (value-initialisation is skipped for trivial types), as kp::StateBlock documents.

#include <sys/mman.h>

#include <cstddef>
#include <cstdlib>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace kp {

template <class T>
struct HugePageAllocator {
    using value_type = T;
    static constexpr std::size_t kHugePage = std::size_t{1} << 21;  ///< 2 MiB

    HugePageAllocator() = default;
    template <class U>
    HugePageAllocator(const HugePageAllocator<U>&) noexcept {}

    T* allocate(std::size_t n) {
        const std::size_t bytes = n * sizeof(T);
        if (bytes < kHugePage) return static_cast<T*>(::operator new(bytes));
        const std::size_t size = (bytes + kHugePage - 1) / kHugePage * kHugePage;
        void* p = std::aligned_alloc(kHugePage, size);
        if (!p) throw std::bad_alloc();
        ::madvise(p, size, MADV_HUGEPAGE);  // advice: ignored where THP is off
        return static_cast<T*>(p);
    }
    void deallocate(T* p, std::size_t n) noexcept {
        if (n * sizeof(T) < kHugePage) ::operator delete(p);
        else std::free(p);
    }
    /// Default-initialise (no zero fill for trivial types); construct with arguments as usual.
    template <class U>
    void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
        ::new (static_cast<void*>(p)) U;
    }
    template <class U, class... Args>
    void construct(U* p, Args&&... args) {
        ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
    template <class U>
    bool operator==(const HugePageAllocator<U>&) const noexcept { return true; }
};

/// A vector of the engines' large buffers (see the file comment).
template <class T>
using HugeVector = std::vector<T, HugePageAllocator<T>>;

}  // namespace kp
