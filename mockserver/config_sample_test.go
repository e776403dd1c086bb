package mockserver

import (
	"log/slog"
	"net/http"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/spec"
)

const sampleConfig = "../examples/hookmock.yaml"

// The sample hookmock.yaml names every setting of Config: a setting added
// without a sample entry fails here with the key to add.
func TestSampleConfigNamesEverySetting(t *testing.T) {
	data, err := os.ReadFile(sampleConfig)
	if err != nil {
		t.Fatal(err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	var walk func(prefix string, n *yaml.Node)
	walk = func(prefix string, n *yaml.Node) {
		if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
			walk(prefix, n.Content[0])
			return
		}
		if n.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := prefix + n.Content[i].Value
			have[key] = true
			walk(key+".", n.Content[i+1])
		}
	}
	walk("", &root)

	var want []string
	var keys func(prefix string, t reflect.Type)
	keys = func(prefix string, t reflect.Type) {
		for f := range t.Fields() {
			tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if !f.IsExported() || tag == "" || tag == "-" {
				continue
			}
			key := prefix + tag
			want = append(want, key)
			// Anonymous structs are sections of the file; named types
			// (Duration, SpecSetting, lists, *signing.Params) are one
			// setting each.
			if f.Type.Kind() == reflect.Struct && f.Type.Name() == "" {
				keys(key+".", f.Type)
			}
		}
	}
	keys("", reflect.TypeFor[Config]())
	for _, k := range want {
		if !have[k] {
			t.Errorf("%s does not name the setting %s: add it there with its default and a comment", sampleConfig, k)
		}
	}
	for k := range have {
		if !slices.Contains(want, k) {
			t.Errorf("%s names %s, which is not a setting", sampleConfig, k)
		}
	}
}

// The sample's values are the defaults: the options it gives are the ones
// an empty file gives.
func TestSampleConfigIsTheDefaults(t *testing.T) {
	sample, err := LoadConfig(sampleConfig)
	if err != nil {
		t.Fatal(err)
	}
	empty, err := ParseConfig("empty.yaml", []byte("{}\n"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := spec.Default()
	if err != nil {
		t.Fatal(err)
	}
	logger, client := slog.Default(), &http.Client{}
	options := func(c *Config) Options {
		t.Helper()
		var o Options
		c.Apply(&o)
		o.Spec, o.Clock, o.Logger, o.HTTPClient = s, clock.Real{}, logger, client
		o, err := o.withDefaults()
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	got, want := options(sample), options(empty)
	gv, wv := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := range gv.NumField() {
		name := gv.Type().Field(i).Name
		g, w := gv.Field(i), wv.Field(i)
		if g.Kind() == reflect.Slice && g.Len() == 0 && w.Len() == 0 {
			continue // `[]` in the file and an absent list are the same setting
		}
		if !reflect.DeepEqual(g.Interface(), w.Interface()) {
			t.Errorf("%s gives %s = %#v; the default is %#v", sampleConfig, name, gv.Field(i).Interface(), wv.Field(i).Interface())
		}
	}
	// What Apply does not carry: the store and the top-level settings,
	// whose defaults belong to serve (checked against its flags in cmd).
	if sample.Store.URL != "" || sample.Store.Retention != empty.Store.Retention || sample.Spec != empty.Spec {
		t.Errorf("%s: store %+v, spec %+v; want the defaults %+v, %+v", sampleConfig, sample.Store, sample.Spec, empty.Store, empty.Spec)
	}
}
