// A heap in huge pages for a one-case command (cli layer).
#pragma once

namespace pp::cli {

// Makes the process heap grow in one 64 MiB step backed by transparent huge
// pages, and has every thread allocate from it. Making a Z3 context touches
// about 16 MB of fresh memory: in 4 KiB pages that is some 4,000 page faults,
// half of the context's 10 ms on a virtual machine; in 2 MiB pages, a few.
// For a command that answers one case and exits (`explain FILE`), where the
// process's start is most of its time. Not for a batch or the service: one
// arena serialises their threads' allocations. Best effort: where the system
// has no huge pages (or a sanitizer owns malloc) nothing changes.
void use_huge_page_heap();

}  // namespace pp::cli
