package resolve

import (
	"unicode"
	"unicode/utf8"

	"github.com/mozillazg/go-pinyin"
)

// Pinyin comes from github.com/mozillazg/go-pinyin, a maintained port of pypinyin with its full
// character table: people who write their name in characters on one account often spell it in
// letters on another (a handle, an e-mail), and a hand-kept table would cover only the names seen.

// pinyinArgs asks for plain syllables without tones, the first reading of each character.
var pinyinArgs = pinyin.NewArgs()

// surnameReadings are surnames whose reading differs from the character's usual one.
var surnameReadings = map[rune]string{
	'曾': "zeng", '单': "shan", '解': "xie", '仇': "qiu", '朴': "piao", '查': "zha", '区': "ou",
	'覃': "qin", '翟': "zhai", '缪': "miao", '盖': "ge", '乐': "yue", '尉': "yu", '种': "chong",
}

// namePinyin returns the syllables of a name of two to four Chinese characters, the first read as a
// surname; nil for any other name.
func namePinyin(name string) []string {
	n := utf8.RuneCountInString(name)
	if n < 2 || n > 4 {
		return nil
	}
	for _, r := range name {
		if !unicode.Is(unicode.Han, r) {
			return nil
		}
	}
	syl := pinyin.LazyPinyin(name, pinyinArgs)
	if len(syl) != n {
		return nil
	}
	first, _ := utf8.DecodeRuneInString(name)
	if s, ok := surnameReadings[first]; ok {
		syl[0] = s
	}
	return syl
}
