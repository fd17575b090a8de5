package lexers

import (
	"regexp"
)

func analyseBash() {
	// TODO(moorereason): can this be factored away?
	bashAnalyserRe := regexp.MustCompile(`(?m)^#!.*/bin/(?:env |)(?:bash|zsh|sh|ksh)`)
	building.Get("bash").SetAnalyser(func(text string) float32 {
		if bashAnalyserRe.FindString(text) != "" {
			return 1.0
		}
		return 0.0
	})
}
