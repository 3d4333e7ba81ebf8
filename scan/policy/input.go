package policy

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// Input converts a Go value (maps, slices, structs with JSON tags) into the
// form OPA evaluates, as encoding/json would encode it, so that a large
// input is converted once and given to many queries. Structs are walked
// directly rather than through JSON text, which is several times faster on
// a facts document of thousands of files; types with their own
// MarshalJSON/MarshalText go through JSON.
func Input(x any) (ast.Value, error) {
	if v, ok := x.(ast.Value); ok {
		return v, nil
	}
	c := converter{fields: map[reflect.Type][]field{}}
	t, err := c.term(reflect.ValueOf(x))
	if err != nil {
		return nil, fmt.Errorf("policy input: %w", err)
	}
	return t.Value, nil
}

type field struct {
	name      string
	index     []int
	omitEmpty bool
}

// converter holds the field lists of the struct types met in one conversion.
type converter struct {
	fields map[reflect.Type][]field
}

var (
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
	jsonNumber    = reflect.TypeFor[json.Number]()
)

func (c *converter) term(v reflect.Value) (*ast.Term, error) {
	if !v.IsValid() {
		return ast.NullTerm(), nil
	}
	t := v.Type()
	if t == jsonNumber {
		return ast.NumberTerm(json.Number(v.String())), nil
	}
	if t.Implements(jsonMarshaler) || t.Implements(textMarshaler) {
		if (v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface) && v.IsNil() {
			return ast.NullTerm(), nil
		}
		return viaJSON(v.Interface())
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return ast.NullTerm(), nil
		}
		return c.term(v.Elem())
	case reflect.String:
		return ast.StringTerm(v.String()), nil
	case reflect.Bool:
		return ast.BooleanTerm(v.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return ast.IntNumberTerm(int(v.Int())), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return ast.UIntNumberTerm(v.Uint()), nil
	case reflect.Float32, reflect.Float64:
		return ast.FloatNumberTerm(v.Float()), nil
	case reflect.Slice:
		if v.IsNil() {
			return ast.NullTerm(), nil
		}
		if t.Elem().Kind() == reflect.Uint8 {
			return viaJSON(v.Interface())
		}
		fallthrough
	case reflect.Array:
		terms := make([]*ast.Term, v.Len())
		for i := range terms {
			e, err := c.term(v.Index(i))
			if err != nil {
				return nil, err
			}
			terms[i] = e
		}
		return ast.ArrayTerm(terms...), nil
	case reflect.Map:
		if v.IsNil() {
			return ast.NullTerm(), nil
		}
		if t.Key().Kind() != reflect.String {
			return viaJSON(v.Interface())
		}
		obj := ast.NewObject()
		iter := v.MapRange()
		for iter.Next() {
			e, err := c.term(iter.Value())
			if err != nil {
				return nil, err
			}
			obj.Insert(ast.StringTerm(iter.Key().String()), e)
		}
		return ast.NewTerm(obj), nil
	case reflect.Struct:
		fs := c.structFields(t)
		pairs := make([][2]*ast.Term, 0, len(fs))
		for _, f := range fs {
			fv, ok := fieldByIndex(v, f.index)
			if !ok || f.omitEmpty && isEmpty(fv) {
				continue
			}
			e, err := c.term(fv)
			if err != nil {
				return nil, err
			}
			pairs = append(pairs, [2]*ast.Term{ast.StringTerm(f.name), e})
		}
		return ast.NewTerm(ast.NewObject(pairs...)), nil
	}
	return nil, fmt.Errorf("cannot convert %s", t)
}

// isEmpty is encoding/json's notion of an empty value, for omitempty.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Slice, reflect.Map, reflect.Array, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

// fieldByIndex follows index through embedded pointers; ok is false when
// one of them is nil (encoding/json then leaves the field out).
func fieldByIndex(v reflect.Value, index []int) (reflect.Value, bool) {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return reflect.Value{}, false
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v, true
}

// structFields lists t's JSON fields as encoding/json names them, embedded
// structs flattened (outer fields win).
func (c *converter) structFields(t reflect.Type) []field {
	if fs, ok := c.fields[t]; ok {
		return fs
	}
	var fs []field
	seen := map[string]bool{}
	var walk func(t reflect.Type, index []int)
	walk = func(t reflect.Type, index []int) {
		var embedded []reflect.StructField
		for i := range t.NumField() {
			sf := t.Field(i)
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if sf.Anonymous && name == "" {
				ft := sf.Type
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					embedded = append(embedded, sf)
					continue
				}
			}
			if !sf.IsExported() {
				continue
			}
			if name == "" {
				name = sf.Name
			}
			if seen[name] {
				continue
			}
			seen[name] = true
			idx := append(append([]int(nil), index...), i)
			fs = append(fs, field{name: name, index: idx, omitEmpty: strings.Contains(","+opts+",", ",omitempty,")})
		}
		for _, sf := range embedded {
			ft := sf.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			walk(ft, append(append([]int(nil), index...), sf.Index...))
		}
	}
	walk(t, nil)
	c.fields[t] = fs
	return fs
}

func viaJSON(x any) (*ast.Term, error) {
	b, err := json.Marshal(x)
	if err != nil {
		return nil, err
	}
	v, err := ast.ValueFromReader(strings.NewReader(string(b)))
	if err != nil {
		return nil, err
	}
	return ast.NewTerm(v), nil
}
