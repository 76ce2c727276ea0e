package schemas

// IdentityLink is one identifier of a resolved person (table `identity_map`): which identifier,
// never its raw value, and how it joined the person.
type IdentityLink struct {
	IDType   string  `parquet:"id_type" desc:"identifier type: account, phone, email, device, anonymous, vendor_md5, vendor_sha256, ticket or post"`
	IDHash   string  `parquet:"id_hash" pii:"identifier,key" desc:"salted HMAC-SHA256 of the identifier type and normalised value"`
	PersonID string  `parquet:"person_id" desc:"resolved person the identifier belongs to"`
	LinkedBy string  `parquet:"linked_by" desc:"how the identifier joined the person: deterministic (shared with another identifier on a record), probabilistic (Fellegi-Sunter match) or alone (no link)"`
	Score    float64 `parquet:"score" desc:"match probability of a probabilistic link; 1 for deterministic links and lone identifiers"`
	Guard    string  `parquet:"guard,optional" desc:"guard that stopped this identifier linking others (blocklist, cap_device, cap_account ...), null when none fired"`
}

// MergeHistory is one change of a person id between two nights (table `merge_history`).
type MergeHistory struct {
	Date        string `parquet:"date" desc:"business day of the run that made the change, YYYY-MM-DD"`
	OldPersonID string `parquet:"old_person_id" desc:"person id of the previous night that no longer stands alone"`
	NewPersonID string `parquet:"new_person_id" desc:"person id that carries the old one's identifiers from tonight on"`
	Reason      string `parquet:"reason" desc:"merge (the old person was merged into an older one) or split (part of the old person left it)"`
	Identifiers int64  `parquet:"identifiers" desc:"identifiers of the old person that moved to the new one"`
}

// Person is one resolved person (table `persons`): the spine every person-keyed table joins to.
type Person struct {
	PersonID        string `parquet:"person_id" desc:"stable person id: kept from night to night while the person's identifiers carry over"`
	FirstSeenDate   string `parquet:"first_seen_date" desc:"business day the person id was first assigned, YYYY-MM-DD"`
	Accounts        int32  `parquet:"accounts" desc:"platform accounts of the person"`
	Identifiers     int32  `parquet:"identifiers" desc:"identifiers of the person, of every type"`
	Probabilistic   int32  `parquet:"probabilistic" desc:"identifiers that joined the person by a probabilistic match"`
	PrimaryAccount  string `parquet:"primary_account,optional" desc:"smallest account id of the person, null when the person has no account"`
	IdentifierTypes string `parquet:"identifier_types" desc:"types of the person's identifiers, sorted and joined by |"`
}

func init() {
	register[IdentityLink](
		"identity_map",
		"one row per identifier of a resolved person, values as salted hashes",
	)
	register[MergeHistory](
		"merge_history",
		"one row per person id that was merged into another or split since the previous night",
	)
	register[Person](
		"persons",
		"one row per resolved person: the spine of every person-keyed table",
	)
}

// Erasure is one identifier whose person asked to be forgotten (table `erasures`): every night
// from the request on, that person is left out of every output.
type Erasure struct {
	IDHash        string `parquet:"id_hash" desc:"salted HMAC-SHA256 of the identifier type and normalised value, as in identity_map" pii:"identifier,key"`
	RequestedDate string `parquet:"requested_date" desc:"business day of the first run that received the request, YYYY-MM-DD"`
}

func init() {
	register[Erasure](
		"erasures",
		"one row per identifier of a person who asked to be forgotten, as a salted hash; carried "+
			"from night to night",
	)
}
