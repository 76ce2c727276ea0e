package report

import (
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopportraits/portraits/transforms/sink"
)

// chromium is Debian's headless-capable browser (scripts/install-chromium.sh installs it).
const chromium = "/usr/bin/chromium"

// TestScreenshotDrawsCharts opens the report in headless Chromium, with networking off, at a
// desktop's width (1440 px) and tall enough for the whole page, and checks the screenshot shows the
// charts: bars in the colours the charts use (the page's own styles use none of them) and a picture
// that is far from blank. REPORT_SCREENSHOT=FILE keeps the PNG.
func TestScreenshotDrawsCharts(t *testing.T) {
	page := fixturePage(t)
	shot := os.Getenv("REPORT_SCREENSHOT")
	if shot == "" {
		shot = filepath.Join(t.TempDir(), "report.png")
	}
	browse(t, page, "--screenshot="+shot, "--window-size=1440,16000")
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot %s: %v", shot, err)
	}
	if b := img.Bounds(); b.Dx() != 1440 || b.Dy() != 16000 {
		t.Fatalf("screenshot is %v, want 1440x16000", b)
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

// TestPhoneWidthDoesNotScrollSideways opens the report at a phone's width (390 px) and measures,
// after the charts are drawn, whether the page is wider than the screen, naming the first element
// that sticks out (a wide table scrolls inside its own box, which is fine). Headless Chromium's
// window is at least 500 px wide, so the page is shown in a 390 px frame of a wrapper page, which
// the measurement is written to. REPORT_SCREENSHOT_PHONE=FILE keeps a screenshot of its top.
func TestPhoneWidthDoesNotScrollSideways(t *testing.T) {
	page := fixturePage(t)
	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(page)
	end := strings.LastIndex(string(html), "</body>") // the chart library holds the word too
	html = []byte(string(html[:end]) + measureScript + string(html[end:]))
	if err := os.WriteFile(filepath.Join(dir, "measured.html"), html, 0o644); err != nil {
		t.Fatal(err)
	}
	phone := filepath.Join(dir, "phone.html")
	frame := `<html><body style="margin:0"><iframe src="measured.html" width="390" height="3000" ` +
		`style="border:0"></iframe></body></html>`
	if err := os.WriteFile(phone, []byte(frame), 0o644); err != nil {
		t.Fatal(err)
	}
	dom := browse(t, phone, "--dump-dom", "--window-size=390,3000")
	m := regexp.MustCompile(`data-width="(\d+),(\d+)" data-overflow="([^"]*)"`).
		FindStringSubmatch(dom)
	if m == nil {
		t.Fatalf("the measuring script did not run:\n%.2000s", dom)
	}
	if m[1] != "390" {
		t.Fatalf("the frame is %s px wide, want 390", m[1])
	}
	if w, _ := strconv.Atoi(m[2]); w > 390 || m[3] != "" {
		t.Errorf("at 390 px the page is %s px wide; first element out of the screen: %s", m[2], m[3])
	}
	if shot := os.Getenv("REPORT_SCREENSHOT_PHONE"); shot != "" {
		browse(t, phone, "--screenshot="+shot, "--window-size=390,3000")
	}
}

// measureScript runs after the page's own scripts: it writes the frame's and the page's width, and
// the first element whose right edge passes the frame's unless a scrolling box holds it, on the
// wrapper page's body.
const measureScript = `<script>
(function () {
  var out = "";
  document.querySelectorAll("main *").forEach(function (e) {
    if (out !== "" || e.getBoundingClientRect().right <= window.innerWidth + 1) return;
    for (var p = e.parentElement; p; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== "visible") return;
    }
    out = e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + " " +
      (e.textContent || "").trim().slice(0, 40);
  });
  var body = parent.document.body;
  body.setAttribute("data-width", window.innerWidth + "," +
    document.documentElement.scrollWidth);
  body.setAttribute("data-overflow", out.replace(/"/g, "'"));
})();
</script>
`

// fixturePage renders the fixture run's report and returns the page's absolute path; it skips the
// test when Chromium is not installed.
func fixturePage(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(chromium); err != nil {
		t.Skipf("%s is not installed, so the report is not drawn in a browser "+
			"(scripts/install-chromium.sh installs it)", chromium)
	}
	out := writeFixture(t, fixtureTables(40), true)
	if err := Render(context.Background(), out, fixtureDate); err != nil {
		t.Fatal(err)
	}
	page, err := filepath.Abs(filepath.Join(sink.RunDir(out, fixtureDate), FileName))
	if err != nil {
		t.Fatal(err)
	}
	return page
}

// browse runs headless Chromium on the page, networking off, and returns what it prints.
func browse(t *testing.T, page string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium, append([]string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(), "--hide-scrollbars", "--allow-file-access-from-files",
	}, append(args, "file://"+page)...)...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	return stdout.String()
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
