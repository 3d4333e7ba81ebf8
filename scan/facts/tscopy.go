package facts

/*
#include <stdint.h>
#include <stdbool.h>
#include <stdlib.h>

// The tree-sitter C API, as declared by tree_sitter/api.h (ABI of
// go-tree-sitter v0.25). The functions are linked from go-tree-sitter's own
// C objects; only the few used to copy a tree in one call are declared.
typedef struct { uint32_t row; uint32_t column; } pgPoint;
typedef struct { uint32_t context[4]; const void *id; const void *tree; } pgNode;
typedef struct { const void *tree; const void *id; uint32_t context[3]; } pgCursor;

extern pgNode ts_tree_root_node(const void *tree);
extern pgCursor ts_tree_cursor_new(pgNode node);
extern void ts_tree_cursor_delete(pgCursor *cursor);
extern bool ts_tree_cursor_goto_first_child(pgCursor *cursor);
extern bool ts_tree_cursor_goto_next_sibling(pgCursor *cursor);
extern bool ts_tree_cursor_goto_parent(pgCursor *cursor);
extern pgNode ts_tree_cursor_current_node(const pgCursor *cursor);
extern uint16_t ts_tree_cursor_current_field_id(const pgCursor *cursor);
extern uint16_t ts_node_symbol(pgNode node);
extern bool ts_node_is_named(pgNode node);
extern uint32_t ts_node_start_byte(pgNode node);
extern uint32_t ts_node_end_byte(pgNode node);
extern pgPoint ts_node_start_point(pgNode node);
extern uint32_t ts_node_descendant_count(pgNode node);
extern void ts_set_allocator(void *(*m)(size_t), void *(*c)(size_t, size_t), void *(*r)(void *, size_t), void (*f)(void *));

// pg_use_libc_allocator points tree-sitter at libc's allocator. The Go
// binding routes every malloc and free through a Go callback that calls
// libc anyway; skipping the round trip halves parse time. Memory from
// either path comes from the same libc heap, so the switch is safe at any
// time.
static void pg_use_libc_allocator(void) {
	ts_set_allocator(malloc, calloc, realloc, free);
}

// pg_copy_tree writes the tree in preorder, 7 words per node: symbol,
// field id, named, start byte, end byte, start row, depth. It returns the
// number of nodes written (at most cap).
static size_t pg_copy_tree(const void *tree, uint32_t *out, size_t cap) {
	pgNode root = ts_tree_root_node(tree);
	pgCursor c = ts_tree_cursor_new(root);
	size_t n = 0;
	uint32_t depth = 0;
	for (;;) {
		if (n < cap) {
			pgNode nd = ts_tree_cursor_current_node(&c);
			uint32_t *r = out + 7 * n;
			r[0] = ts_node_symbol(nd);
			r[1] = ts_tree_cursor_current_field_id(&c);
			r[2] = ts_node_is_named(nd);
			r[3] = ts_node_start_byte(nd);
			r[4] = ts_node_end_byte(nd);
			r[5] = ts_node_start_point(nd).row;
			r[6] = depth;
			n++;
		}
		if (ts_tree_cursor_goto_first_child(&c)) {
			depth++;
			continue;
		}
		for (;;) {
			if (ts_tree_cursor_goto_next_sibling(&c)) {
				break;
			}
			if (!ts_tree_cursor_goto_parent(&c)) {
				ts_tree_cursor_delete(&c);
				return n;
			}
			depth--;
		}
	}
}

static uint32_t pg_count(const void *tree) {
	return ts_node_descendant_count(ts_tree_root_node(tree));
}
*/
import "C"

import (
	"unsafe"

	sitter "github.com/tree-sitter/go-tree-sitter"
)

// useLibcAllocator makes tree-sitter allocate with libc directly.
func useLibcAllocator() { C.pg_use_libc_allocator() }

// treePtr returns the C tree behind a go-tree-sitter Tree, whose only field
// is that pointer.
func treePtr(t *sitter.Tree) unsafe.Pointer {
	return *(*unsafe.Pointer)(unsafe.Pointer(t))
}

// copyTreeFast copies a syntax tree into Go nodes with one C call, instead
// of several cgo calls per node.
func (p *pyParser) copyTreeFast(t *sitter.Tree) *node {
	tp := treePtr(t)
	count := int(C.pg_count(tp))
	if count <= 0 {
		return &node{kind: "module", named: true, line: 1}
	}
	buf := make([]uint32, 7*count)
	n := int(C.pg_copy_tree(tp, (*C.uint32_t)(unsafe.Pointer(&buf[0])), C.size_t(count)))
	nodes := make([]node, n)
	var stack []*node
	var root *node
	skipBelow := -1
	for i := 0; i < n; i++ {
		r := buf[7*i : 7*i+7]
		depth := int(r[6])
		if skipBelow >= 0 {
			if depth > skipBelow {
				continue
			}
			skipBelow = -1
		}
		nd := &nodes[i]
		if int(r[0]) < len(p.lang.kinds) {
			nd.kind = p.lang.kinds[r[0]]
		}
		if int(r[1]) < len(p.lang.fields) {
			nd.field = p.lang.fields[r[1]]
		}
		// A comment stays in the tree (suppression comments are read from
		// it) but is never an operand: unnamed, it is skipped by
		// namedChildren and firstNamed, so a comment anywhere in an
		// argument list does not change what the arguments are.
		nd.named = r[2] != 0 && nd.kind != "comment"
		nd.start, nd.end, nd.line = r[3], r[4], int(r[5])+1
		if len(stack) > depth {
			stack = stack[:depth]
		}
		if depth == 0 {
			root = nd
		} else {
			if len(stack) < depth {
				continue
			}
			parent := stack[depth-1]
			if !keepNode(nd.kind, nd.named) {
				skipBelow = depth
				continue
			}
			parent.children = append(parent.children, nd)
		}
		stack = append(stack, nd)
	}
	return root
}
