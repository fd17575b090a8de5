package importers

import (
	goparser "go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImports keeps the package free of the CLI and git layers.
func TestImports(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		ast, err := goparser.ParseFile(token.NewFileSet(), f, nil, goparser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range ast.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			for _, banned := range []string{"github.com/spf13/cobra", "github.com/go-git/", "github.com/ticketdesk/ticket/cmd", "github.com/ticketdesk/ticket/gitstore"} {
				if strings.HasPrefix(path, banned) {
					t.Errorf("%s imports %s", f, path)
				}
			}
		}
	}
}
