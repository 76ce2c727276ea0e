// Package rfm names the standard eleven RFM segments from 1-5 recency,
// frequency and monetary scores (5 best: most recent, most frequent, highest
// spend).
//
// The mapping is the 125-cell score table of the Putler segment names that
// RFM guides and tools commonly publish (for example the defaults of
// Squeezely's RFM app, "RFM segments" in its documentation, and many public
// RFM analyses): every three-digit score RFM is listed under exactly one
// segment.
//
//	champions           555 554 544 545 454 455 445
//	loyal               543 444 435 355 354 345 344 335
//	potential_loyalist  553 551 552 541 542 533 532 531 452 451 442 441 431 453 433 432 423 353
//	                    352 351 342 341 333 323
//	new                 512 511 422 421 412 411 311
//	promising           525 524 523 522 521 515 514 513 425 424 413 414 415 315 314 313
//	need_attention      535 534 443 434 343 334 325 324
//	about_to_sleep      331 321 312 221 213 231 241 251
//	at_risk             255 254 245 244 253 252 243 242 235 234 225 224 153 152 145 143 142 135
//	                    134 133 125 124
//	cannot_lose         155 154 144 214 215 115 114 113
//	hibernating         332 322 233 232 223 222 132 123 122 212 211
//	lost                111 112 121 131 141 151
package rfm

// Segments are the eleven segment names, from the best customers to the
// lost ones: the order to show them in.
var Segments = []string{
	"champions",
	"loyal",
	"potential_loyalist",
	"new",
	"promising",
	"need_attention",
	"about_to_sleep",
	"at_risk",
	"cannot_lose",
	"hibernating",
	"lost",
}

// table lists the RFM scores (100r+10f+m) of each segment, as published.
var table = map[string][]int{
	"champions": {555, 554, 544, 545, 454, 455, 445},
	"loyal":     {543, 444, 435, 355, 354, 345, 344, 335},
	"potential_loyalist": {
		553,
		551,
		552,
		541,
		542,
		533,
		532,
		531,
		452,
		451,
		442,
		441,
		431,
		453,
		433,
		432,
		423,
		353,
		352,
		351,
		342,
		341,
		333,
		323,
	},
	"new": {512, 511, 422, 421, 412, 411, 311},
	"promising": {
		525,
		524,
		523,
		522,
		521,
		515,
		514,
		513,
		425,
		424,
		413,
		414,
		415,
		315,
		314,
		313,
	},
	"need_attention": {535, 534, 443, 434, 343, 334, 325, 324},
	"about_to_sleep": {331, 321, 312, 221, 213, 231, 241, 251},
	"at_risk": {
		255,
		254,
		245,
		244,
		253,
		252,
		243,
		242,
		235,
		234,
		225,
		224,
		153,
		152,
		145,
		143,
		142,
		135,
		134,
		133,
		125,
		124,
	},
	"cannot_lose": {155, 154, 144, 214, 215, 115, 114, 113},
	"hibernating": {332, 322, 233, 232, 223, 222, 132, 123, 122, 212, 211},
	"lost":        {111, 112, 121, 131, 141, 151},
}

// grid[r-1][f-1][m-1] is the segment of scores r, f, m.
var grid = buildGrid()

func buildGrid() (g [5][5][5]string) {
	for seg, scores := range table {
		for _, s := range scores {
			g[s/100-1][s/10%10-1][s%10-1] = seg
		}
	}
	return g
}

// Segment names the segment of recency score r, frequency score f and
// monetary score m, each 1 (worst) to 5 (best). A score outside 1-5 gives "".
func Segment(r, f, m int) string {
	if r < 1 || r > 5 || f < 1 || f > 5 || m < 1 || m > 5 {
		return ""
	}
	return grid[r-1][f-1][m-1]
}
