// Package templates holds the defaults embedded in the binary: the reply
// templates `ticket init` installs, and the knowledge-base theme. A desk can
// override any of them file by file from its repository.
//
// It holds data only; no logic beyond exposing the embedded files.
package templates
