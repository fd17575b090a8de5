package cmd

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// readBody returns the text of -m or -F (a file, or "-" for standard input).
func readBody(app *App, msg, file string) (string, error) {
	if msg != "" && file != "" {
		return "", usageErrorf("give either -m or -F, not both")
	}
	switch {
	case msg != "":
		return msg, nil
	case file == "-":
		b, err := io.ReadAll(app.In)
		if err != nil {
			return "", fmt.Errorf("reading standard input: %w", err)
		}
		return strings.TrimRight(string(b), "\n"), nil
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", err
		}
		return strings.TrimRight(string(b), "\n"), nil
	}
	return "", nil
}

// parseKV splits KEY=VALUE arguments.
func parseKV(args []string, what string) (map[string]string, []string, error) {
	m := map[string]string{}
	var order []string
	for _, a := range args {
		k, v, ok := strings.Cut(a, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, nil, usageErrorf("%s %q: want KEY=VALUE", what, a)
		}
		if _, dup := m[k]; !dup {
			order = append(order, k)
		}
		m[k] = v
	}
	return m, order, nil
}

// splitList accepts repeated flags and comma-separated values alike.
func splitList(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}
