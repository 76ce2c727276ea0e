package sentiment

import (
	"encoding/csv"
	"errors"
	"io/fs"
	"os"
	"testing"
)

// reviewsFile is the labelled shopping reviews of ../shared/data (columns
// cat,label,review; label 1 positive, 0 negative), seen from this package.
// It states no licence: it is evaluation data only, never copied here.
const reviewsFile = "../../../../shared/data/reviews/online_shopping_dev.csv"

// loadReviews reads reviewsFile, skipping the test when it is absent.
func loadReviews(tb testing.TB) (texts []string, positive []bool) {
	tb.Helper()
	f, err := os.Open(reviewsFile)
	if errors.Is(err, fs.ErrNotExist) {
		tb.Skipf(
			"%s is absent: the evaluation on labelled shopping reviews needs ../shared/data",
			reviewsFile,
		)
	}
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatalf("reading %s: %v", reviewsFile, err)
	}
	for i, r := range rows[1:] {
		if len(r) != 3 || (r[1] != "0" && r[1] != "1") {
			tb.Fatalf(
				"%s: row %d is %q, want cat,label,review with label 0 or 1",
				reviewsFile,
				i+2,
				r,
			)
		}
		texts, positive = append(texts, r[2]), append(positive, r[1] == "1")
	}
	return texts, positive
}

// TestReviewsHalves trains on the even data rows of the labelled shopping
// reviews and scores the odd ones, then the reverse: the file is sorted by
// category and label, so alternate rows give two halves alike in both.
func TestReviewsHalves(t *testing.T) {
	texts, positive := loadReviews(t)
	var x, y [2][]string
	var lx, ly [2][]bool
	for i := range texts {
		x[i%2], lx[i%2] = append(x[i%2], texts[i]), append(lx[i%2], positive[i])
	}
	y, ly = [2][]string{x[1], x[0]}, [2][]bool{lx[1], lx[0]}
	for half, name := range []string{"even rows → odd rows", "odd rows → even rows"} {
		m, err := Train(x[half], lx[half], Options{})
		if err != nil {
			t.Fatal(err)
		}
		acc := Accuracy(m, y[half], ly[half])
		t.Logf("%s: trained on %d, accuracy %.4f on %d", name, len(x[half]), acc, len(y[half]))
		if acc < 0.90 {
			t.Errorf("%s: accuracy %.4f, want at least 0.90", name, acc)
		}
	}
}
