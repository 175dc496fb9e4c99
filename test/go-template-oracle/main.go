// Command go-template-oracle renders the differential corpus of vsi's Go template engine with Go's own text/template
// and consul-template's functions, and records what Go printed, so that the TypeScript suite can compare without Go.
//
// It is built in module mode with the exact versions consul-template v0.42.1 pins (go.mod here; sprig v3.3.0,
// semver v3.3.0, mergo v1.0.2, BurntSushi/toml v1.5.0, ...). With no module proxy, vendor/ (gitignored) is assembled
// from git clones of those modules at their tags by assemble-vendor.sh, then (TZ=UTC: the agent's time.Local, which
// sprig's toDate parses in):
//
//	cd test/go-template-oracle && ./assemble-vendor.sh CLONES_DIR
//	TZ=UTC GOFLAGS=-mod=vendor GOPROXY=off go run . ../fixtures/go-template/corpus.json
//
// It reads the cases of CORPUS.json and writes the file back with Go's results. A case marked "handRecorded" had its
// result written from the library's source where Go could not be run; regenerating replaces that result with Go's
// and drops the marker, except for cases that call a function listed in unavailable (kept as recorded).
//
// consul-template's own code is not committed here. Before regenerating, copy it in from a checkout of
// hashicorp/consul-template at consulTemplateVersion (the copies are gitignored):
//   - consul_funcs.go: the pure helper functions of template/funcs.go (package main; errors.Wrap becomes wrapError;
//     functions needing Consul, Nomad, files or processes left out);
//   - scratch.go: template/scratch.go (package main);
//   - dependency/secret.go: the Secret types and TransformSecret (exported) of dependency/vault_common.go, importing
//     go-template-oracle/vaultapi.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strings"
	"text/template"
	"time"

	"github.com/Masterminds/sprig/v3"

	"go-template-oracle/dependency"
	api "go-template-oracle/vaultapi"
)

// consulTemplateVersion is the release whose template/funcs.go, template/scratch.go and dependency/vault_common.go
// are copied into this program.
const consulTemplateVersion = "v0.42.1 (1deacb7dc074de5c7bb9cc35bab825ba1dc41103)"

// sprigVersion is the sprig consul-template v0.42.1 pins, which this program is built with (go.mod).
const sprigVersion = "v3.3.0"

// unavailable names the functions whose library could not be had at the pinned version: huandu/xstrings v1.5.0
// (sprig v3.3.0's camelcase calls its ToPascalCase) is not in the mirror this oracle was last built from. A case
// calling one keeps its recorded result and stays handRecorded.
var unavailable = []string{"sprig_camelcase"}

type testCase struct {
	Name     string `json:"name"`
	Source   string `json:"source,omitempty"`
	Template string `json:"template"`
	// Data is the JSON text of `.`; consul-template renders with no data, Go's own tests with some.
	Data *string `json:"data,omitempty"`
	// Dataset names a shared `.` in the cases file's datasets instead (Go's exec_test.go cases share one).
	Dataset string `json:"dataset,omitempty"`
	// Secrets maps a path to the JSON text of Vault's response body.
	Secrets    map[string]string   `json:"secrets,omitempty"`
	Lists      map[string][]string `json:"lists,omitempty"`
	Env        []string            `json:"env,omitempty"`
	MissingKey string              `json:"missingKey,omitempty"`
	// HandRecorded says why the result was written by hand (kept only where the oracle cannot run the case).
	HandRecorded string `json:"handRecorded,omitempty"`
}

type result struct {
	testCase
	Output     *string `json:"output,omitempty"`
	ParseError string  `json:"parseError,omitempty"`
	ExecError  string  `json:"execError,omitempty"`
}

type corpus struct {
	Comment        string            `json:"comment"`
	Go             string            `json:"go"`
	ConsulTemplate string            `json:"consulTemplate"`
	Sprig          string            `json:"sprig"`
	Datasets       map[string]string `json:"datasets"`
	Cases          []result          `json:"cases"`
}

// decode reads JSON as Vault's client does (sdk/helper/jsonutil.DecodeJSON): numbers stay json.Number.
func decode(text string, into interface{}) error {
	decoder := json.NewDecoder(strings.NewReader(text))
	decoder.UseNumber()
	return decoder.Decode(into)
}

// deletedKVv2 is consul-template's dependency/vault_read.go check: a KV v2 version whose deletion_time has passed.
func deletedKVv2(s *api.Secret) bool {
	if md, ok := s.Data["metadata"].(map[string]interface{}); ok {
		deletionTime, ok := md["deletion_time"].(string)
		if !ok {
			return false
		}
		t, err := time.Parse(time.RFC3339, deletionTime)
		if err != nil {
			return false
		}
		return time.Now().After(t)
	}
	return false
}

func secretFunc(c testCase) func(...string) (interface{}, error) {
	return func(s ...string) (interface{}, error) {
		if len(s) == 0 {
			return nil, nil
		}
		// consul-template's secretFunc (template/funcs.go) checks the k=v parameters before reading.
		for _, str := range s[1:] {
			if len(str) == 0 {
				continue
			}
			if parts := strings.SplitN(str, "=", 2); len(parts) != 2 {
				return nil, fmt.Errorf("not k=v pair %q", str)
			}
		}
		body, ok := c.Secrets[s[0]]
		if !ok {
			return nil, fmt.Errorf("no secret exists at %s", s[0])
		}
		var theirs api.Secret
		if err := decode(body, &theirs); err != nil {
			return nil, err
		}
		if deletedKVv2(&theirs) {
			return nil, fmt.Errorf("no secret exists at %s", s[0])
		}
		return dependency.TransformSecret(&theirs), nil
	}
}

// funcMap is consul-template's template.funcMap (template/template.go) without the functions that need Consul,
// Nomad, files or processes.
func funcMap(c testCase, tmpl *template.Template) template.FuncMap {
	var scratch Scratch
	r := template.FuncMap{
		"secret": secretFunc(c),
		"secrets": func(s string) ([]string, error) {
			var result []string
			if len(s) == 0 {
				return result, nil
			}
			return c.Lists[s], nil
		},
		"scratch":               func() *Scratch { return &scratch },
		"base64Decode":          base64Decode,
		"base64Encode":          base64Encode,
		"base64URLDecode":       base64URLDecode,
		"base64URLEncode":       base64URLEncode,
		"contains":              contains,
		"containsAll":           containsSomeFunc(true, true),
		"containsAny":           containsSomeFunc(false, false),
		"containsNone":          containsSomeFunc(true, false),
		"containsNotAll":        containsSomeFunc(false, true),
		"env":                   envFunc(c.Env),
		"mustEnv":               mustEnvFunc(c.Env),
		"envOrDefault":          envWithDefaultFunc(c.Env),
		"executeTemplate":       executeTemplateFunc(tmpl),
		"explodeMap":            explodeMap,
		"mergeMap":              mergeMap,
		"mergeMapWithOverride":  mergeMapWithOverride,
		"in":                    in,
		"indent":                indent,
		"loop":                  loop,
		"join":                  join,
		"trim":                  trim,
		"trimPrefix":            trimPrefix,
		"trimSuffix":            trimSuffix,
		"trimSpace":             trimSpace,
		"parseBool":             parseBool,
		"parseFloat":            parseFloat,
		"parseInt":              parseInt,
		"parseJSON":             parseJSON,
		"parseUint":             parseUint,
		"parseYAML":             parseYAML,
		"regexReplaceAll":       regexReplaceAll,
		"regexMatch":            regexMatch,
		"replaceAll":            replaceAll,
		"sha256Hex":             sha256Hex,
		"md5sum":                md5sum,
		"hmacSHA256Hex":         hmacSHA256Hex,
		"timestamp":             timestamp,
		"toLower":               toLower,
		"toJSON":                toJSON,
		"toJSONPretty":          toJSONPretty,
		"toUnescapedJSON":       toUnescapedJSON,
		"toUnescapedJSONPretty": toUnescapedJSONPretty,
		"toTitle":               toTitle,
		"toTOML":                toTOML,
		"toUpper":               toUpper,
		"toYAML":                toYAML,
		"split":                 split,
		"splitToMap":            splitToMap,
		"add":                   add,
		"subtract":              subtract,
		"multiply":              multiply,
		"divide":                divide,
		"modulo":                modulo,
		"minimum":               minimum,
		"maximum":               maximum,
	}
	for k, v := range sprig.HermeticTxtFuncMap() {
		r["sprig_"+k] = v
	}
	return r
}

// run renders one case as consul-template's Template.Execute does (template/template.go).
func run(c testCase, datasets map[string]string) result {
	out := result{testCase: c}
	tmpl := template.New("")
	tmpl.Funcs(funcMap(c, tmpl))
	if c.MissingKey == "error" {
		tmpl.Option("missingkey=error")
	} else {
		tmpl.Option("missingkey=zero")
	}
	if _, err := tmpl.Parse(c.Template); err != nil {
		out.ParseError = err.Error()
		return out
	}
	var dot interface{}
	if text, ok := datasets[c.Dataset]; ok {
		c.Data = &text
	}
	if c.Data != nil {
		if err := decode(*c.Data, &dot); err != nil {
			panic(fmt.Sprintf("%s: bad data: %v", c.Name, err))
		}
	}
	var b bytes.Buffer
	if err := tmpl.Execute(&b, dot); err != nil {
		out.ExecError = err.Error()
		return out
	}
	text := b.String()
	out.Output = &text
	return out
}

func usesUnavailable(template string) bool {
	for _, name := range unavailable {
		if strings.Contains(template, name) {
			return true
		}
	}
	return false
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go-template-oracle CORPUS.json")
		os.Exit(2)
	}
	raw, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	var input struct {
		Datasets map[string]string `json:"datasets"`
		Cases    []result          `json:"cases"`
	}
	if err := json.Unmarshal(raw, &input); err != nil {
		panic(err)
	}
	recorded := corpus{
		Comment:        "Cases for vsi's Go template engine with what Go's text/template and consul-template's functions print for them. The results (output, parseError, execError) and versions are written by test/go-template-oracle; edit only the cases, then regenerate.",
		Go:             runtime.Version(),
		ConsulTemplate: consulTemplateVersion,
		Sprig:          sprigVersion,
		Datasets:       input.Datasets,
	}
	for _, c := range input.Cases {
		if usesUnavailable(c.Template) {
			if c.HandRecorded == "" {
				c.HandRecorded = "kept as recorded: the oracle could not load huandu/xstrings v1.5.0"
			}
			recorded.Cases = append(recorded.Cases, c)
			continue
		}
		c.HandRecorded = ""
		recorded.Cases = append(recorded.Cases, run(c.testCase, input.Datasets))
	}
	var buf bytes.Buffer
	encoder := json.NewEncoder(&buf)
	encoder.SetEscapeHTML(false)
	encoder.SetIndent("", "  ")
	if err := encoder.Encode(recorded); err != nil {
		panic(err)
	}
	if err := os.WriteFile(os.Args[1], buf.Bytes(), 0o644); err != nil {
		panic(err)
	}
}
