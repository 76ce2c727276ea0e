package resolve

import (
	"encoding/csv"
	"fmt"
	"io"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/resolve/identity"
	"github.com/shopportraits/portraits/transforms/resolve/linkage"
)

// truthTypes maps the kinds of the sample generator's truth file to identifier types.
var truthTypes = map[string]string{
	"uid": identity.Account, "phone_e164": identity.Phone,
	"email": identity.Email, "device_id": identity.Device,
	"anon_id": identity.Anonymous, "ticket_id": identity.Ticket,
	"post_id": identity.Post, "vendor_md5": identity.VendorMD5,
}

// Evaluation scores an identity map against the true persons.
type Evaluation struct {
	linkage.Pairwise
	// Identifiers are the true identifiers found in the identity map; Missing those that are not
	// (rejected records, junk values, identifiers no record carried); Ambiguous those the truth
	// gives to several persons (shared test phones), left out.
	Identifiers, Missing, Ambiguous int
	// Alone counts identifiers that no record links to any other identifier (a device used only
	// logged out, a vendor row for a phone no record gave: see alonePersons): no resolver can place
	// them, so Linked scores the others only.
	Alone  int
	Linked linkage.Pairwise
	// Placeable scores the linked identifiers and every post and ticket, placed or not: the records
	// the probabilistic models are meant to place count against recall when they stay alone.
	Placeable linkage.Pairwise
	// Nobody counts the map's posts that no true person wrote.
	Nobody int
	// ByType breaks the true identifiers the map holds down by identifier type.
	ByType map[string]TypeFigures
}

// TypeFigures counts one identifier type's true identifiers the map holds: those placed with their
// person (in the predicted person holding the most of that true person's identifiers, ties to the
// smaller id), those left alone and those put in another predicted person.
type TypeFigures struct {
	Identifiers, Placed, Alone, Elsewhere int
}

// Evaluate reads a truth file (CSV `person_id,kind,value`, as the sample generator writes it)
// and scores the identity map's persons with pairwise precision, recall and F1 over the true
// identifiers the map holds, plus the map's posts that belong to nobody (written by people who
// are no customer), each its own true person, so that linking them costs precision. Values are
// hashed with the run's salt to find their rows.
func Evaluate(truth io.Reader, links []schemas.IdentityLink, salt string) (Evaluation, error) {
	byHash := make(map[string]string, len(links))
	for _, l := range links {
		byHash[l.IDHash] = l.PersonID
	}
	alone := alonePersons(links)
	r := csv.NewReader(truth)
	r.FieldsPerRecord = 3
	owner := map[string]string{}
	ambiguous := map[string]bool{}
	var keys []string
	for line := 1; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return Evaluation{}, fmt.Errorf("truth: %w", err)
		}
		if line == 1 && rec[0] == "person_id" {
			continue
		}
		typ, ok := truthTypes[rec[1]]
		if !ok {
			return Evaluation{}, fmt.Errorf("truth line %d: unknown kind %q", line, rec[1])
		}
		key := identity.Key(typ, rec[2])
		if p, seen := owner[key]; seen {
			if p != rec[0] {
				ambiguous[key] = true
			}
			continue
		}
		owner[key] = rec[0]
		keys = append(keys, key)
	}
	var ev Evaluation
	var truthIDs, predicted, linkedTruth, linkedPredicted, placeableTruth, placeablePredicted []string
	found := map[string]bool{}
	var keysFound []string
	for _, key := range keys {
		if ambiguous[key] {
			ev.Ambiguous++
			continue
		}
		person, hash, ok := lookup(byHash, salt, key)
		if !ok {
			ev.Missing++
			continue
		}
		found[hash] = true
		keysFound = append(keysFound, key)
		truthIDs = append(truthIDs, owner[key])
		predicted = append(predicted, person)
		typ, _ := identity.Split(key)
		if !alone[person] || typ == identity.Post || typ == identity.Ticket {
			placeableTruth = append(placeableTruth, owner[key])
			placeablePredicted = append(placeablePredicted, person)
		}
		if alone[person] {
			ev.Alone++
			continue
		}
		linkedTruth = append(linkedTruth, owner[key])
		linkedPredicted = append(linkedPredicted, person)
	}
	// Only posts can belong to nobody: the truth lists every other identifier a person used, but
	// not the vendor hashes of phones no vendor knows, or the SHA-256 ones.
	for _, l := range links {
		if l.IDType == identity.Post && !found[l.IDHash] {
			truthIDs = append(truthIDs, "nobody:"+l.IDHash)
			predicted = append(predicted, l.PersonID)
			ev.Nobody++
		}
	}
	ev.ByType = byType(keysFound, truthIDs, predicted, alone)
	ev.Identifiers = len(truthIDs)
	ev.Pairwise = linkage.PairwiseScores(truthIDs, predicted)
	ev.Linked = linkage.PairwiseScores(linkedTruth, linkedPredicted)
	ev.Placeable = linkage.PairwiseScores(placeableTruth, placeablePredicted)
	return ev, nil
}

// alonePersons are the map's persons that no record links to an identifier of another: those of one
// identifier (linked "alone"), and those made of a vendor's hashes only. A vendor row carries one
// phone, as MD5 and SHA-256; when no record of ours gives that phone, the two hashes link to each
// other and to nothing else, and the truth, which lists the MD5 only, sees one identifier alone.
func alonePersons(links []schemas.IdentityLink) map[string]bool {
	alone, known := map[string]bool{}, map[string]bool{}
	for _, l := range links {
		if l.LinkedBy == "alone" {
			alone[l.PersonID] = true
		}
		if l.IDType != identity.VendorMD5 && l.IDType != identity.VendorSHA256 {
			known[l.PersonID] = true
		}
	}
	for _, l := range links {
		if !known[l.PersonID] {
			alone[l.PersonID] = true
		}
	}
	return alone
}

// byType counts placed and alone identifiers per type; keys, truth and predicted run in step (the
// posts of nobody that follow them in truth and predicted are left out).
func byType(keys, truth, predicted []string, alone map[string]bool) map[string]TypeFigures {
	counts := map[[2]string]int{}
	for i := range keys {
		counts[[2]string{truth[i], predicted[i]}]++
	}
	main := map[string]string{}
	best := map[string]int{}
	for k, n := range counts {
		if n > best[k[0]] || n == best[k[0]] && k[1] < main[k[0]] {
			best[k[0]], main[k[0]] = n, k[1]
		}
	}
	out := map[string]TypeFigures{}
	for i, key := range keys {
		typ, _ := identity.Split(key)
		f := out[typ]
		f.Identifiers++
		switch {
		case main[truth[i]] == predicted[i]:
			f.Placed++
		case alone[predicted[i]]:
			f.Alone++
		default:
			f.Elsewhere++
		}
		out[typ] = f
	}
	return out
}

// postSites are the review sites whose name prefixes a post id in the cleaned tables; the truth
// file holds the site's own id.
var postSites = []string{"dianping", "xiaohongshu", "weibo"}

// lookup finds a true identifier's person and row hash in the identity map.
func lookup(byHash map[string]string, salt, key string) (person, hash string, ok bool) {
	hash = nodeHash(salt, key)
	if p, ok := byHash[hash]; ok {
		return p, hash, true
	}
	if typ, value := identity.Split(key); typ == identity.Post {
		for _, site := range postSites {
			hash = nodeHash(salt, identity.Key(typ, site+":"+value))
			if p, ok := byHash[hash]; ok {
				return p, hash, true
			}
		}
	}
	return "", "", false
}
