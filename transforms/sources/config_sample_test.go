package sources

import "testing"

func TestSampleTemplateParses(t *testing.T) {
	cfg, err := Load("../../pipelines/sampledata/sources.yaml.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Sources) != 10 {
		t.Fatalf("got %d sources", len(cfg.Sources))
	}
}
