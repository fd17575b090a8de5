// Package styles holds the two chroma styles the knowledge base writes its
// code CSS from, github (light) and monokai (dark), copied from chroma
// v2.2.0's styles package (see COPYING). Each is built on first use:
// chroma's own styles package builds every style it has when the program
// starts, which every command of ticket would pay for.
package styles
