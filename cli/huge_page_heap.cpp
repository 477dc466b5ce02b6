#include "cli/huge_page_heap.h"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

namespace pp::cli {

void use_huge_page_heap() {
#if defined(__GLIBC__) && defined(MADV_HUGEPAGE)
  constexpr std::uintptr_t kHuge = std::uintptr_t(2) << 20;
  constexpr int kPad = 64 << 20;
  // One arena (the brk heap, which the lines below prepare), big blocks from
  // it too, and 64 MiB more each time it grows (or is trimmed back to).
  if (mallopt(M_ARENA_MAX, 1) != 1 || mallopt(M_MMAP_THRESHOLD, kPad) != 1 || mallopt(M_TOP_PAD, kPad) != 1) return;
  void* grow = std::malloc(1 << 20);  // the heap grows by this and the pad
  if (!grow) return;
  auto from = (reinterpret_cast<std::uintptr_t>(grow) + kHuge - 1) & ~(kHuge - 1);
  std::free(grow);
  auto to = reinterpret_cast<std::uintptr_t>(sbrk(0)) & ~(kHuge - 1);
  if (to > from) madvise(reinterpret_cast<void*>(from), to - from, MADV_HUGEPAGE);  // refused: 4 KiB pages, as before
#endif
}

}  // namespace pp::cli
