// Package whatlanggo detects natural languages and scripts ( writing systems ).
// Languages are represented by a determined list of constants while scripts are
// represented by *unicode.RangeTable.
//
// This is whatlanggo v1.0.1 (see LICENSE) with its tables (Langs, Scripts
// and the trigram profiles of each script's languages) built on first use
// instead of when the program starts: building them cost about 2 ms and
// 350 KB at the start of every command of ticket, although only reading
// mail detects a language. TestSameAsUpstream holds it to the version
// go.mod requires.
package whatlanggo
