package main

import (
	"bytes"
	"os"
	"testing"
)

func TestEmbeddedTemplateIsTheFile(t *testing.T) {
	disk, err := os.ReadFile("sources.yaml.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	if len(sourcesTemplate) == 0 || !bytes.Equal(sourcesTemplate, disk) {
		t.Error("the embedded sources.yaml.tmpl differs from the file")
	}
}
