// Command render-config renders Temporal's docker/config_template.yaml from the environment,
// as the temporalio/server image does when it starts (with dockerize): Go's text/template,
// sprig's functions overlaid with dockerize's own, and `.Env` holding the environment. The
// production-topology tests use it to start the server built from source with exactly the
// configuration the compose file's environment gives the image.
//
// Usage: render-config TEMPLATE OUTPUT
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig/v3"
)

// context is what the template sees as `.`: dockerize exposes the environment as `.Env`.
type context struct{}

func (context) Env() map[string]string {
	env := make(map[string]string)
	for _, pair := range os.Environ() {
		if i := strings.Index(pair, "="); i > 0 {
			env[pair[:i]] = pair[i+1:]
		}
	}
	return env
}

// defaultValue is dockerize's `default VALUE FALLBACK`: a missing variable arrives as nil and
// takes the fallback; a variable set, even to "", keeps its value.
func defaultValue(args ...any) (string, error) {
	if len(args) > 0 && args[0] != nil {
		if s, ok := args[0].(string); ok {
			return s, nil
		}
	}
	if len(args) < 2 {
		return "", fmt.Errorf("default needs a value and a fallback")
	}
	fallback, ok := args[1].(string)
	if !ok {
		return "", fmt.Errorf("default's fallback must be a string")
	}
	return fallback, nil
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: render-config TEMPLATE OUTPUT")
		os.Exit(2)
	}
	source, output := os.Args[1], os.Args[2]
	funcs := sprig.TxtFuncMap()
	funcs["default"] = defaultValue
	funcs["split"] = strings.Split
	funcs["lower"] = strings.ToLower
	funcs["upper"] = strings.ToUpper
	funcs["replace"] = strings.Replace
	tmpl, err := template.New(filepath.Base(source)).Funcs(funcs).ParseFiles(source)
	if err != nil {
		fmt.Fprintf(os.Stderr, "parse %s: %v\n", source, err)
		os.Exit(1)
	}
	out, err := os.Create(output)
	if err != nil {
		fmt.Fprintf(os.Stderr, "create %s: %v\n", output, err)
		os.Exit(1)
	}
	if err := tmpl.ExecuteTemplate(out, filepath.Base(source), context{}); err != nil {
		fmt.Fprintf(os.Stderr, "render %s: %v\n", source, err)
		os.Exit(1)
	}
	if err := out.Close(); err != nil {
		fmt.Fprintf(os.Stderr, "write %s: %v\n", output, err)
		os.Exit(1)
	}
}
