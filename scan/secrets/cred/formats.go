package cred

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	"gopkg.in/yaml.v3"
)

// nameFields and valueFields make a credential out of two siblings: a
// Kubernetes env entry (name: DB_PASSWORD, value: ...), a Postman
// variable (key: password, value: ...), an XML <add key="Password"
// value="..."/>.
var (
	nameFields  = set("name", "key", "id", "param", "parameter", "field", "variable", "var", "header", "property", "option", "setting")
	valueFields = set("value", "default", "defaultvalue", "default_value", "val", "content", "secret", "data")
)

// yamlPairs reads the mappings of every YAML document in text.
func yamlPairs(text string, lines []string) ([]pair, bool) {
	dec := yaml.NewDecoder(strings.NewReader(text))
	var out []pair
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, false
		}
		yamlWalk(&doc, lines, &out, 0)
	}
	return out, true
}

func yamlWalk(n *yaml.Node, lines []string, out *[]pair, depth int) {
	if n == nil || depth > 64 {
		return
	}
	switch n.Kind {
	case yaml.MappingNode:
		var name, val *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				continue
			}
			lk := strings.ToLower(k.Value)
			if v.Kind == yaml.ScalarNode {
				switch {
				case nameFields[lk]:
					name = v
				case valueFields[lk]:
					val = v
				}
				*out = append(*out, yamlPair(k.Value, v))
				if v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
					yamlBlock(v, lines, out)
				}
				continue
			}
			yamlWalk(v, lines, out, depth+1)
		}
		if name != nil && val != nil && classify(name.Value) != keyNone {
			*out = append(*out, yamlPair(name.Value, val))
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			if c.Kind == yaml.ScalarNode {
				// docker compose: environment: [- KEY=value]
				if k, v, ok := strings.Cut(c.Value, "="); ok && !strings.ContainsAny(k, " \t") && k != "" {
					*out = append(*out, pair{key: k, val: value{text: v}, line: c.Line, col: c.Column + len(k) + 1, tag: "yaml list entry"})
				}
				continue
			}
			yamlWalk(c, lines, out, depth+1)
		}
	case yaml.DocumentNode:
		for _, c := range n.Content {
			yamlWalk(c, lines, out, depth+1)
		}
	}
}

func yamlPair(key string, v *yaml.Node) pair {
	quoted := v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0
	col := v.Column
	if quoted {
		col++
	}
	return pair{key: key, val: value{text: v.Value, quoted: quoted}, line: v.Line, col: col, tag: "yaml mapping"}
}

// yamlBlock reads a block scalar (a script, an embedded file) line by line,
// as shell.
func yamlBlock(v *yaml.Node, lines []string, out *[]pair) {
	ls := &lineScanner{m: modeShell}
	n := strings.Count(strings.TrimRight(v.Value, "\n"), "\n") + 1
	for row := v.Line; row < v.Line+n && row < len(lines); row++ { // v.Line is the indicator's line
		ls.scan(lines[row], row+1, func(p pair) {
			p.tag = "yaml block"
			*out = append(*out, p)
		})
	}
}

// jsonPairs reads the objects of a JSON document.
func jsonPairs(text string, lines []string) ([]pair, bool) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	nl := lineStarts(text)
	type frame struct {
		object    bool
		key       string
		expectKey bool
		name      *pair // a name-like field naming a credential
		val       *pair // a value-like field
	}
	var stack []*frame
	var out []pair
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, false
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				f := &frame{object: t == '{', expectKey: t == '{'}
				if top != nil && top.object {
					top.expectKey = true
					if t == '[' {
						f.key = top.key // the list's elements: "tokens": ["...", ...]
					}
				}
				stack = append(stack, f)
			case '}', ']':
				if top != nil && top.name != nil && top.val != nil {
					p := *top.val
					p.key = top.name.val.text
					out = append(out, p)
				}
				stack = stack[:len(stack)-1]
			}
			continue
		case string:
			if top != nil && !top.object && top.key != "" {
				if sing, ok := singular(top.key); ok {
					off := int(dec.InputOffset())
					out = append(out, pair{key: sing, val: value{text: t, quoted: true}, line: lineOf(nl, off-1) + 1, tag: "json list"})
				}
				continue
			}
			if top != nil && top.object && top.expectKey {
				top.key, top.expectKey = t, false
				continue
			}
			if top != nil && top.object {
				off := int(dec.InputOffset())
				line := lineOf(nl, off-1)
				p := pair{key: top.key, val: value{text: t, quoted: true}, line: line + 1, tag: "json object"}
				if line < len(lines) {
					if i := strings.Index(lines[line], t); i >= 0 {
						p.col = i + 1
					}
				}
				lk := strings.ToLower(top.key)
				switch {
				case nameFields[lk] && classify(t) != keyNone:
					q := p
					top.name = &q
				case valueFields[lk]:
					q := p
					top.val = &q
				}
				out = append(out, p)
				top.expectKey = true
				continue
			}
		default:
			if top != nil && top.object && !top.expectKey {
				if n, ok := t.(json.Number); ok {
					off := int(dec.InputOffset())
					out = append(out, pair{key: top.key, val: value{text: n.String(), quoted: true}, line: lineOf(nl, off-1) + 1, tag: "json object"})
				}
			}
		}
		if top != nil && top.object {
			top.expectKey = true
		}
	}
	return out, true
}

// lineStarts returns the offsets where each line of text starts.
func lineStarts(text string) []int {
	out := []int{0}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			out = append(out, i+1)
		}
	}
	return out
}

// lineOf is the 0-based line of offset off.
func lineOf(starts []int, off int) int {
	return sort.Search(len(starts), func(i int) bool { return starts[i] > off }) - 1
}

// xmlPairs reads the attributes and simple elements of an XML document:
// password="...", <password>...</password>, <add key="Password"
// value="..."/>, <property name="password" value="..."/>.
func xmlPairs(text string, lines []string) ([]pair, bool) {
	dec := xml.NewDecoder(strings.NewReader(text))
	dec.Strict = false
	dec.AutoClose = xml.HTMLAutoClose
	dec.Entity = xml.HTMLEntity
	nl := lineStarts(text)
	var out []pair
	type open struct {
		key  string
		line int
		text strings.Builder
	}
	var stack []*open
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, false
		}
		off := int(dec.InputOffset())
		switch t := tok.(type) {
		case xml.StartElement:
			line := lineOf(nl, max(off-1, 0))
			var nameAttr, valAttr *xml.Attr
			for i := range t.Attr {
				a := &t.Attr[i]
				ln := strings.ToLower(a.Name.Local)
				switch {
				case nameFields[ln]:
					nameAttr = a
				case valueFields[ln]:
					valAttr = a
				}
				out = append(out, xmlAttrPair(a.Name.Local, a.Value, a.Name.Local, line, lines))
			}
			key := t.Name.Local
			if nameAttr != nil && classify(nameAttr.Value) != keyNone {
				if valAttr != nil {
					out = append(out, xmlAttrPair(nameAttr.Value, valAttr.Value, valAttr.Name.Local, line, lines))
				}
				key = nameAttr.Value
			}
			stack = append(stack, &open{key: key, line: line})
		case xml.CharData:
			if n := len(stack); n > 0 {
				top := stack[n-1]
				if top.text.Len() == 0 {
					top.line = lineOf(nl, max(off-len(t), 0))
				}
				top.text.Write(t)
			}
		case xml.EndElement:
			if n := len(stack); n > 0 {
				top := stack[n-1]
				stack = stack[:n-1]
				if v := strings.TrimSpace(top.text.String()); v != "" && !strings.Contains(v, "\n") {
					p := pair{key: top.key, val: value{text: v, quoted: true}, line: top.line + 1, tag: "xml element"}
					if top.line < len(lines) {
						if i := strings.Index(lines[top.line], v); i >= 0 {
							p.col = i + 1
						}
					}
					out = append(out, p)
				}
			}
		}
	}
	return out, true
}

// xmlAttrPair makes the pair of an attribute, finding its line: the
// decoder reports where the element ends, attributes may sit above.
func xmlAttrPair(key, v, attr string, line int, lines []string) pair {
	p := pair{key: key, val: value{text: v, quoted: true}, line: line + 1, tag: "xml attribute"}
	for l := line; l >= 0 && l > line-20; l-- {
		if l >= len(lines) {
			continue
		}
		if i := strings.Index(lines[l], attr+"="); i >= 0 {
			p.line = l + 1
			if j := strings.Index(lines[l][i:], v); j >= 0 && v != "" {
				p.col = i + j + 1
			}
			break
		}
	}
	return p
}

// tomlPairs reads a TOML document with its decoder and finds the line of
// each string value by its key.
func tomlPairs(text string, lines []string) ([]pair, bool) {
	var doc map[string]any
	if _, err := toml.Decode(text, &doc); err != nil {
		return nil, false
	}
	var out []pair
	used := map[int]bool{}
	var walk func(m map[string]any, depth int)
	walk = func(m map[string]any, depth int) {
		if depth > 32 {
			return
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			switch v := m[k].(type) {
			case string:
				if classify(k) == keyNone {
					continue
				}
				p := pair{key: k, val: value{text: v, quoted: true}, tag: "toml table"}
				for i, l := range lines {
					if used[i] {
						continue
					}
					if ki := strings.Index(l, k); ki >= 0 {
						if vi := strings.Index(l[ki:], v); vi >= 0 && v != "" {
							p.line, p.col = i+1, ki+vi+1
							used[i] = true
							break
						}
					}
				}
				if p.line > 0 {
					out = append(out, p)
				}
			case map[string]any:
				walk(v, depth+1)
			case []map[string]any:
				for _, t := range v {
					walk(t, depth+1)
				}
			case []any:
				for _, e := range v {
					if t, ok := e.(map[string]any); ok {
						walk(t, depth+1)
					}
				}
			}
		}
	}
	walk(doc, 0)
	return out, true
}
