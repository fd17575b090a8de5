// Package gfm holds goldmark's GitHub Flavored Markdown extensions
// (Linkify, Table, Strikethrough, TaskList and GFM, which is all four),
// copied from goldmark v1.8.7's extension package (see LICENSE) with the
// regular expressions compiled on first use.
//
// goldmark's extension package compiles them while the program starts,
// the two URL expressions with their {1,256} repeats above all: about
// 3 ms at the start of every command of ticket, although only rendering
// Markdown (a knowledge base build, an HTML reply) needs them.
// TestSameAsGoldmark holds the rendering equal to goldmark's extensions.
package gfm
