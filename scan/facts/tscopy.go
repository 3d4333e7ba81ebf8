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
extern void *ts_parser_parse_string(void *parser, const void *old_tree, const char *string, uint32_t length);
extern void ts_set_allocator(void *(*m)(size_t), void *(*c)(size_t, size_t), void *(*r)(void *, size_t), void (*f)(void *));

// pg_use_libc_allocator points tree-sitter at libc's allocator. The Go
// binding routes every malloc and free through a Go callback that calls
// libc anyway; skipping the round trip halves parse time. Memory from
// either path comes from the same libc heap, so the switch is safe at any
// time.
static void pg_use_libc_allocator(void) {
	ts_set_allocator(malloc, calloc, realloc, free);
}

// pg_copy_tree writes the nodes of the tree that keep allows, in preorder,
// 7 words per node: symbol, field id, named, start byte, end byte, start
// row, depth. keep has two bytes per symbol (anonymous, named); a node it
// refuses is left out with everything below it, without a visit. Symbols
// from nsym on are kept. The root is always written. It returns the number
// of nodes written (at most cap).
static size_t pg_copy_tree(const void *tree, const uint8_t *keep, uint32_t nsym, uint32_t *out, size_t cap) {
	pgNode root = ts_tree_root_node(tree);
	pgCursor c = ts_tree_cursor_new(root);
	size_t n = 0;
	uint32_t depth = 0;
	for (;;) {
		pgNode nd = ts_tree_cursor_current_node(&c);
		uint16_t sym = ts_node_symbol(nd);
		bool named = ts_node_is_named(nd);
		bool kept = depth == 0 || sym >= nsym || keep[2 * (size_t)sym + (named ? 1 : 0)];
		if (kept && n < cap) {
			uint32_t *r = out + 7 * n;
			r[0] = sym;
			r[1] = ts_tree_cursor_current_field_id(&c);
			r[2] = named;
			r[3] = ts_node_start_byte(nd);
			r[4] = ts_node_end_byte(nd);
			r[5] = ts_node_start_point(nd).row;
			r[6] = depth;
			n++;
		}
		if (kept && ts_tree_cursor_goto_first_child(&c)) {
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
	"math"
	"unsafe"

	sitter "github.com/tree-sitter/go-tree-sitter"
)

// useLibcAllocator makes tree-sitter allocate with libc directly.
func useLibcAllocator() { C.pg_use_libc_allocator() }

// go-tree-sitter's Tree and Parser are each one pointer to the C object:
// this does not compile when that changes.
var (
	_ = [1]struct{}{}[unsafe.Sizeof(sitter.Tree{})-unsafe.Sizeof(unsafe.Pointer(nil))]
	_ = [1]struct{}{}[unsafe.Sizeof(sitter.Parser{})-unsafe.Sizeof(unsafe.Pointer(nil))]
)

// treePtr returns the C tree behind a go-tree-sitter Tree, whose only field
// is that pointer.
func treePtr(t *sitter.Tree) unsafe.Pointer {
	return *(*unsafe.Pointer)(unsafe.Pointer(t))
}

// parseString parses src through tree-sitter's C API for a text in memory.
// go-tree-sitter's Parse hands tree-sitter a Go callback instead, which
// copies the rest of the text into C memory at every read. src is only
// read during the call. The tree (nil when the parse was cancelled) is a
// go-tree-sitter Tree, closed as usual.
func (p *pyParser) parseString(src []byte) *sitter.Tree {
	if uint64(len(src)) > math.MaxUint32 {
		return p.parser.Parse(src, nil)
	}
	var s *C.char
	if len(src) > 0 {
		s = (*C.char)(unsafe.Pointer(&src[0]))
	}
	parser := *(*unsafe.Pointer)(unsafe.Pointer(p.parser))
	ct := C.ts_parser_parse_string(parser, nil, s, C.uint32_t(len(src)))
	if ct == nil {
		return nil
	}
	t := new(sitter.Tree)
	*(*unsafe.Pointer)(unsafe.Pointer(t)) = ct
	return t
}

// keepTable is keepNode for every symbol of the grammar, as pg_copy_tree
// reads it: two bytes per symbol, for an anonymous and a named node.
func (l *pyLang) keepTable() []byte {
	t := make([]byte, 2*len(l.kinds))
	for sym, kind := range l.kinds {
		for named := 0; named < 2; named++ {
			// A comment is copied as an unnamed node: see copyTreeFast.
			if keepNode(kind, named == 1 && kind != "comment") {
				t[2*sym+named] = 1
			}
		}
	}
	return t
}

// copyTreeFast copies a syntax tree into Go nodes with one C call, instead
// of several cgo calls per node. The C walk leaves out the nodes keepNode
// refuses, and everything below them, so that only kept nodes are copied;
// the nodes and all their child lists are two allocations.
func (p *pyParser) copyTreeFast(t *sitter.Tree) *node {
	tp := treePtr(t)
	count := int(C.pg_count(tp))
	if count <= 0 {
		return &node{kind: "module", named: true, line: 1}
	}
	if cap(p.buf) < 7*count {
		p.buf = make([]uint32, 7*count)
	}
	buf := p.buf[:7*count]
	keep := p.lang.keep
	n := int(C.pg_copy_tree(tp, (*C.uint8_t)(unsafe.Pointer(&keep[0])), C.uint32_t(len(keep)/2),
		(*C.uint32_t)(unsafe.Pointer(&buf[0])), C.size_t(count)))
	// Each record's parent is the last record one level up: count the
	// children of each node first, to cut every child list from one array.
	if cap(p.kids) < n {
		p.kids = make([]int32, n)
	}
	kids := p.kids[:n]
	clear(kids)
	stack := p.stack[:0]
	for i := 0; i < n; i++ {
		depth := int(buf[7*i+6])
		if depth > len(stack) {
			depth = len(stack) // cannot happen: every parent is kept
		}
		stack = stack[:depth]
		if depth > 0 {
			kids[stack[depth-1]]++
		}
		stack = append(stack, int32(i))
	}
	p.stack = stack[:0]
	nodes := make([]node, n)
	var lists []*node
	if n > 1 {
		lists = make([]*node, n-1)
	}
	off := 0
	for i := range nodes {
		if k := int(kids[i]); k > 0 {
			nodes[i].children = lists[off : off : off+k]
			off += k
		}
	}
	parents := p.parents[:0]
	for i := 0; i < n; i++ {
		r := buf[7*i : 7*i+7]
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
		depth := min(int(r[6]), len(parents))
		parents = parents[:depth]
		if depth > 0 {
			parent := parents[depth-1]
			parent.children = append(parent.children, nd)
		}
		parents = append(parents, nd)
	}
	clear(parents)
	p.parents = parents[:0]
	return &nodes[0]
}
