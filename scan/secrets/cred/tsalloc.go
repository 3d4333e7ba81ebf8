package cred

/*
#include <stdlib.h>
#include <stdbool.h>

// The tree-sitter C API's allocator hook, linked from go-tree-sitter's
// own objects.
extern void ts_set_allocator(void *(*m)(size_t), void *(*c)(size_t, size_t), void *(*r)(void *, size_t), void (*f)(void *));

// cred_use_libc_allocator points tree-sitter at libc's allocator. The Go
// binding routes every malloc and free through a Go callback that calls
// libc anyway; skipping the round trip makes parsing much cheaper. Memory
// from either path comes from the same libc heap, so the switch is safe at
// any time. (scan/facts makes the same switch for its own parses.)
static void cred_use_libc_allocator(void) {
	ts_set_allocator(malloc, calloc, realloc, free);
}
*/
import "C"

import "sync"

var libcAllocator sync.Once

// useLibcAllocator makes tree-sitter allocate with libc directly.
func useLibcAllocator() { libcAllocator.Do(func() { C.cred_use_libc_allocator() }) }
