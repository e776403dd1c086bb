package yamlsafe

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// Decode fills out (a pointer) from n strictly: a key that matches no field
// is an error with a "did you mean", and every error names file, line,
// column and the dotted path of the value at fault. Types with their own
// UnmarshalYAML check their own keys.
func Decode(file string, n *yaml.Node, out any) error {
	rv := reflect.ValueOf(out)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("yamlsafe.Decode: want a non-nil pointer, got %T", out)
	}
	if n == nil {
		return nil
	}
	d := decoder{file: file}
	if err := d.check(n, rv.Type().Elem(), ""); err != nil {
		return err
	}
	if err := n.Decode(out); err != nil {
		return d.wrap(n, "", err)
	}
	return nil
}

type decoder struct{ file string }

var unmarshaler = reflect.TypeFor[yaml.Unmarshaler]()

func (d decoder) check(n *yaml.Node, t reflect.Type, path string) error {
	for n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Implements(unmarshaler) || reflect.PointerTo(t).Implements(unmarshaler) || t == reflect.TypeFor[yaml.Node]() {
		return d.decodeInto(n, t, path)
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return d.errAt(n, path, "want a mapping, got %s", kindName(n))
		}
		fields, names := structFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			f, ok := fields[k.Value]
			if !ok {
				return d.errAt(k, path, "%s", UnknownKey(k.Value, names))
			}
			if err := d.check(v, f.Type, join(path, k.Value)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Slice, reflect.Array:
		if n.Kind != yaml.SequenceNode {
			return d.errAt(n, path, "want a list, got %s", kindName(n))
		}
		for i, c := range n.Content {
			if err := d.check(c, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return d.errAt(n, path, "want a mapping, got %s", kindName(n))
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if err := d.check(n.Content[i+1], t.Elem(), join(path, n.Content[i].Value)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Interface:
		return nil
	}
	return d.decodeInto(n, t, path)
}

// decodeInto decodes n alone so that an error is reported at n, not at
// the document's root.
func (d decoder) decodeInto(n *yaml.Node, t reflect.Type, path string) error {
	if err := n.Decode(reflect.New(t).Interface()); err != nil {
		return d.wrap(n, path, err)
	}
	return nil
}

// positioned matches the "line L, column C: " that hookmock's UnmarshalYAML
// methods (and yaml's own "line L: ") put in front of a message.
var positioned = regexp.MustCompile(`^(?:[^:]*: )?line (\d+)(?:, column (\d+))?: `)

func (d decoder) wrap(n *yaml.Node, path string, err error) error {
	var te *yaml.TypeError
	msg := err.Error()
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	if m := positioned.FindStringSubmatchIndex(msg); m != nil {
		line, _ := strconv.Atoi(msg[m[2]:m[3]])
		col := 0
		if m[4] >= 0 {
			col, _ = strconv.Atoi(msg[m[4]:m[5]])
		}
		if line == n.Line && col == 0 {
			col = n.Column
		}
		rest := msg[m[1]:]
		if base, _, _ := strings.Cut(path, "["); path != "" && !strings.HasPrefix(rest, base) {
			rest = path + ": " + rest
		}
		return &Error{File: d.file, Line: line, Col: col, Msg: rest}
	}
	return d.errAt(n, path, "%s", msg)
}

func (d decoder) errAt(n *yaml.Node, path, format string, a ...any) error {
	msg := fmt.Sprintf(format, a...)
	if path != "" {
		msg = path + ": " + msg
	}
	return &Error{File: d.file, Line: n.Line, Col: n.Column, Msg: msg}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	return fmt.Sprintf("%q", n.Value)
}

// structFields maps the YAML keys of t to its fields, the way yaml decodes
// them: the tag's name, else the lower-cased field name; inline structs
// contribute their keys.
func structFields(t reflect.Type) (map[string]reflect.StructField, []string) {
	fields := map[string]reflect.StructField{}
	var names []string
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if strings.Contains(","+opts+",", ",inline,") {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				sub, subNames := structFields(ft)
				for k, v := range sub {
					fields[k] = v
				}
				names = append(names, subNames...)
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		fields[name] = f
		names = append(names, name)
	}
	return fields, names
}
