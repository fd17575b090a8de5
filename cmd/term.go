package cmd

import (
	"os"
	"strconv"

	"golang.org/x/term"
)

func (a *App) termHeight() int {
	if _, h, err := term.GetSize(int(os.Stdout.Fd())); err == nil && h > 0 {
		return h
	}
	if n, err := strconv.Atoi(a.Getenv("LINES")); err == nil && n > 0 {
		return n
	}
	return 24
}

func (a *App) termWidth() int {
	if !a.OutTTY {
		return 0
	}
	if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil && w > 0 {
		return w
	}
	if n, err := strconv.Atoi(a.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	return 100
}
