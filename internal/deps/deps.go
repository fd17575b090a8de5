// Package deps pins modules whose packages are still being written, so that
// go mod tidy keeps their versions; it goes away once each one is imported.
package deps
import (
 _ "github.com/spf13/cobra"
 _ "github.com/go-git/go-git/v5"
 _ "gopkg.in/yaml.v3"
 _ "github.com/yuin/goldmark"
 _ "github.com/emersion/go-message"
 _ "github.com/expr-lang/expr"
 _ "github.com/itchyny/gojq"
 _ "github.com/rogpeppe/go-internal/testscript"
 _ "golang.org/x/term"
 _ "github.com/spf13/cobra/doc"
 _ "golang.org/x/text/encoding/htmlindex"
 _ "github.com/emersion/go-message/charset"
 _ "github.com/microcosm-cc/bluemonday"
 _ "github.com/JohannesKaufmann/html-to-markdown/v2"
 _ "github.com/abadojack/whatlanggo"
 _ "github.com/schollz/progressbar/v3"
 _ "github.com/emersion/go-smtp"
 _ "github.com/yuin/goldmark-highlighting/v2"
 _ "github.com/mattn/go-isatty"
)
