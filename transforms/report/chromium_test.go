package report

import (
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/shopportraits/portraits/transforms/sink"
)

// chromium is Debian's headless-capable browser (scripts/install-chromium.sh installs it).
const chromium = "/usr/bin/chromium"

// TestScreenshotDrawsCharts opens the report in headless Chromium, with networking off, and checks
// the screenshot shows the charts: bars in the colours the charts use (the page's own styles use
// none of them) and a picture that is far from blank. REPORT_SCREENSHOT=FILE keeps the PNG.
func TestScreenshotDrawsCharts(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		t.Skipf(
			"%s is not installed, so the report is not drawn in a browser (scripts/install-chromium.sh installs it)",
			chromium,
		)
	}
	out := writeFixture(t, fixtureTables(40), true)
	if err := Render(context.Background(), out, fixtureDate); err != nil {
		t.Fatal(err)
	}
	page, err := filepath.Abs(filepath.Join(sink.RunDir(out, fixtureDate), FileName))
	if err != nil {
		t.Fatal(err)
	}
	shot := os.Getenv("REPORT_SCREENSHOT")
	if shot == "" {
		shot = filepath.Join(t.TempDir(), "report.png")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(
		ctx,
		chromium,
		"--headless",
		"--no-sandbox",
		"--disable-gpu",
		"--disable-quic",
		"--no-first-run",
		"--disable-background-networking",
		"--disable-component-update",
		"--disable-sync",
		"--user-data-dir="+t.TempDir(),
		"--screenshot="+shot,
		"--window-size=1400,9000",
		"file://"+page,
	)
	if log, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, log)
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot %s: %v", shot, err)
	}
	if b := img.Bounds(); b.Dx() != 1400 || b.Dy() != 9000 {
		t.Fatalf("screenshot is %v, want 1400x9000", b)
	}
	palette := map[string][3]int{
		"out (green)":    {0x3b, 0xa2, 0x72},
		"rejected (red)": {0xee, 0x66, 0x66},
		"tonight (blue)": {0x54, 0x70, 0xc6},
	}
	for name, c := range palette {
		if n := pixelsNear(img, c, 8); n < 500 {
			t.Errorf("%d pixels of the %s bars: the charts did not draw", n, name)
		}
	}
	if n := distinctColours(img); n < 200 {
		t.Errorf("%d distinct colours: the page looks blank", n)
	}
}

// pixelsNear counts pixels within dist of colour c on every channel.
func pixelsNear(img image.Image, c [3]int, dist int) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if abs(int(r>>8)-c[0]) <= dist && abs(int(g>>8)-c[1]) <= dist &&
				abs(int(bl>>8)-c[2]) <= dist {
				n++
			}
		}
	}
	return n
}

func distinctColours(img image.Image) int {
	seen := map[[3]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
		}
	}
	return len(seen)
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
