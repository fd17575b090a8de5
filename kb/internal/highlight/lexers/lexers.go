// Package lexers is chroma v2.2.0's lexers package (see COPYING) with
// its registry built on first use instead of when the program starts.
//
// chroma's own package parses the configuration of every one of its XML
// lexers and builds the lexers written in Go while the program
// initialises: about 12 ms and 1.7 MB at the start of every command of
// ticket, although only a knowledge base build highlights code. Here the
// package-level lexer variables are assigned by the register functions,
// which build calls in the order chroma's initialisation registers them
// (TestSameRegistry holds the two registries equal), and the analysers
// that chroma set in init functions are set by the analyse functions.
// The lexer files are otherwise chroma's.
package lexers

import (
	"embed"
	"io/fs"
	"sync"

	"github.com/alecthomas/chroma/v2"
)

//go:embed embedded
var embedded embed.FS

// building is the registry while build fills it; the lexers' register
// and analyse functions reach it through this, not through Get, which
// would wait for build to finish.
var building *chroma.LexerRegistry

var (
	once sync.Once
	all  *chroma.LexerRegistry
)

// registry is the registry of all lexers, built on first use. (A
// sync.OnceValue(build) variable would be an initialisation cycle: build
// reaches Get through the lexers' rules.)
func registry() *chroma.LexerRegistry {
	once.Do(func() { all = build() })
	return all
}

func build() *chroma.LexerRegistry {
	building = chroma.NewLexerRegistry()
	paths, err := fs.Glob(embedded, "embedded/*.xml")
	if err != nil {
		panic(err)
	}
	for _, path := range paths {
		building.Register(chroma.MustNewXMLLexer(embedded, path))
	}
	for _, r := range []func(){
		registerBashSession, registerCaddyfile, registerCaddyfileDirectives,
		registerCheetah, registerCommonLisp, registerCassandraCQL,
		registerDocker, registerEmacsLisp, registerFortranFixed,
		registerGenshiText, registerGenshiHTMLTemplate, registerGenshi,
		registerGoTextTemplate, registerGo, registerHaxe, registerHTML,
		registerGoHTMLTemplate, registerHTTP, registerMakefile, registerMako,
		registerMarkdown, registerMason, registerMyghty, registerOpenEdgeABL,
		registerOrg, registerPHTML, registerPlaintext, registerPostgreSQL,
		registerRaku, registerRestructuredtext, registerSmarty,
		registerSvelte, registerTyposcript, registerV, registerVSH,
		registerViml,
		analyseBash, analyseMySQL, analyseZed,
	} {
		r()
	}
	reg := building
	building = nil
	return reg
}

// register adds a lexer to the registry being built.
func register(lexer chroma.Lexer) chroma.Lexer {
	return building.Register(lexer)
}

// Registry is the registry of all lexers, built on its first use.
func Registry() *chroma.LexerRegistry { return registry() }

// Names of all lexers, optionally including aliases.
func Names(withAliases bool) []string {
	return registry().Names(withAliases)
}

// Get a Lexer by name, alias or file extension.
func Get(name string) chroma.Lexer {
	return registry().Get(name)
}

// MatchMimeType attempts to find a lexer for the given MIME type.
func MatchMimeType(mimeType string) chroma.Lexer {
	return registry().MatchMimeType(mimeType)
}

// Match returns the first lexer matching filename.
func Match(filename string) chroma.Lexer {
	return registry().Match(filename)
}

// Analyse text content and return the "best" lexer..
func Analyse(text string) chroma.Lexer {
	return registry().Analyse(text)
}

// PlaintextRules is used for the fallback lexer as well as the explicit
// plaintext lexer.
func PlaintextRules() chroma.Rules {
	return chroma.Rules{
		"root": []chroma.Rule{
			{Pattern: `.+`, Type: chroma.Text, Mutator: nil},
			{Pattern: `\n`, Type: chroma.Text, Mutator: nil},
		},
	}
}

// Fallback is the lexer to use if no other is found.
var Fallback = sync.OnceValue(func() chroma.Lexer {
	return chroma.MustNewLexer(&chroma.Config{
		Name:      "fallback",
		Filenames: []string{"*"},
		Priority:  -1,
	}, PlaintextRules)
})
