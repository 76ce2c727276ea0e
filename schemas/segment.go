package schemas

// SegmentMembership says that a person belongs to a segment (table `segment_membership`).
type SegmentMembership struct {
	PersonID string `parquet:"person_id" desc:"resolved person id (persons.person_id)"`
	Segment  string `parquet:"segment" desc:"segment name: a rule segment of the segments config, an RFM segment (champions ... lost), value_decile_01 to value_decile_10, or cluster_01 ..."`
	Kind     string `parquet:"kind" desc:"rule (segments config), rfm (from the R, F and M scores), value (gmv_fen decile among buyers) or cluster (k-means on portrait features)"`
}

// SegmentSummary is one segment's size and value on the run day (table `segment_summary`).
type SegmentSummary struct {
	Segment      string  `parquet:"segment" desc:"segment name, as in segment_membership; all_persons (kind all) is every person, value_top_20pct (kind value) the top fifth of buyers by gmv_fen"`
	Kind         string  `parquet:"kind" desc:"all, rule, rfm, value or cluster"`
	Size         int64   `parquet:"size" desc:"persons in the segment"`
	Share        float64 `parquet:"share" desc:"size divided by the number of persons (portraits), 0 to 1"`
	GMVShare     float64 `parquet:"gmv_share" desc:"the members' gmv_fen divided by the gmv_fen of all persons, 0 to 1; for value_top_20pct the 80/20 figure"`
	AvgCLVFen    float64 `parquet:"avg_clv_fen" desc:"mean clv_12m_fen of the members, a member without one (a non-buyer) counted as 0, in minor units of the run's currency"`
	PreviousSize int64   `parquet:"previous_size" desc:"size in the previous night's summary; 0 when that summary has no row for the segment (first night, or a new segment)"`
	Change       int64   `parquet:"change" desc:"size minus previous_size"`
}

// ClusterProfile describes one k-means cluster of persons (table `cluster_profiles`). The feature
// columns are the means of the cluster's members in the portrait's own units: the cluster's
// centroid in original units.
type ClusterProfile struct {
	Cluster            int32   `parquet:"cluster" desc:"cluster number, 1 = the largest in the training sample"`
	Segment            string  `parquet:"segment" desc:"the cluster's segment name in segment_membership: cluster_01 ..."`
	Label              string  `parquet:"label" desc:"readable description derived from the centroid, such as frequent high spenders"`
	Size               int64   `parquet:"size" desc:"persons assigned to the cluster"`
	Share              float64 `parquet:"share" desc:"size divided by the number of persons, 0 to 1"`
	K                  int32   `parquet:"k" desc:"number of clusters of the model (fixed in the config or chosen by the silhouette)"`
	Silhouette         float64 `parquet:"silhouette" desc:"mean silhouette of the model on its training sample, -1 to 1 (higher: better separated); 0 when k is 1"`
	TrainingSize       int64   `parquet:"training_size" desc:"persons in the seeded training sample the model was fitted on"`
	Frequency          float64 `parquet:"frequency" desc:"mean frequency (repeat purchase days) of the members"`
	RecencyDays        float64 `parquet:"recency_days" desc:"mean recency_days of the members"`
	MonetaryValueFen   float64 `parquet:"monetary_value_fen" desc:"mean monetary_value_fen of the members, in minor units of the run's currency"`
	GMVFen             float64 `parquet:"gmv_fen" desc:"mean gmv_fen of the members, in minor units of the run's currency"`
	ActiveDays30d      float64 `parquet:"active_days_30d" desc:"mean active_days_30d of the members"`
	Sessions           float64 `parquet:"sessions" desc:"mean sessions of the members"`
	DiscountOrderShare float64 `parquet:"discount_order_share" desc:"mean discount_order_share of the members, 0 for those without orders"`
	DaysSinceLastSeen  float64 `parquet:"days_since_last_seen" desc:"mean days_since_last_seen of the members, capped at 365, 365 for those never seen"`
	Features           string  `parquet:"features" desc:"what the model was fitted on: behaviour (the columns above) or grades (the four scorecard grades)"`
	ContributionGrade  float64 `parquet:"contribution_grade" desc:"mean contribution_grade of the members, 0 for those without one"`
	ActivityGrade      float64 `parquet:"activity_grade" desc:"mean activity_grade of the members, 0 for those without one"`
	LoyaltyGrade       float64 `parquet:"loyalty_grade" desc:"mean loyalty_grade of the members, 0 for those without one"`
	CreditGrade        float64 `parquet:"credit_grade" desc:"mean credit_grade of the members, 0 for those without one"`
}

// AffinityRule is one association rule mined from the baskets of paid orders (table
// `affinity_rules`): buying every antecedent item makes buying the consequent more likely.
type AffinityRule struct {
	Level      string   `parquet:"level" desc:"sku (items are SKUs) or category (items are top-level categories)"`
	RuleID     int64    `parquet:"rule_id" desc:"rule number within its level, 1 = highest support (then confidence); next_best_products.rule refers to it with rule_level"`
	Antecedent []string `parquet:"antecedent,list" desc:"items on the left-hand side, sorted"`
	Consequent string   `parquet:"consequent" desc:"the item on the right-hand side"`
	Support    float64  `parquet:"support" desc:"share of baskets holding every item of the rule, 0 to 1"`
	Confidence float64  `parquet:"confidence" desc:"share of the baskets holding the antecedent that also hold the consequent, 0 to 1"`
	Lift       float64  `parquet:"lift" desc:"confidence divided by the consequent's share of baskets; above 1: bought together more often than by chance"`
	Count      int64    `parquet:"count" desc:"baskets holding every item of the rule"`
}

// NextBestProduct is a product suggested to a person by the rules their purchases fire (table
// `next_best_products`): the SKU rules' products first, then the best sellers of the categories
// the category rules suggest.
type NextBestProduct struct {
	PersonID  string  `parquet:"person_id" desc:"resolved person id (persons.person_id)"`
	Rank      int32   `parquet:"rank" desc:"1 = best suggestion for the person"`
	SKU       string  `parquet:"sku" desc:"suggested product, never one the person already bought"`
	Score     float64 `parquet:"score" desc:"confidence of the best rule suggesting the product, 0 to 1"`
	Rule      int64   `parquet:"rule" desc:"affinity_rules.rule_id of that rule, at level rule_level"`
	RuleLevel string  `parquet:"rule_level" desc:"sku (the rule's consequent) or category (the best seller of the rule's consequent category the person has not bought)"`
}

// Activation is one person put in one segment's marketing audience (table `activation`).
type Activation struct {
	PersonID    string `parquet:"person_id" desc:"resolved person id (persons.person_id)"`
	Segment     string `parquet:"segment" desc:"rule segment with activate: true"`
	Priority    int32  `parquet:"priority" desc:"the segment's priority, 1 = first served under the contact-frequency cap"`
	Slot        int32  `parquet:"slot" desc:"which of the person's touches this week this one is: touches_received_7d plus the rank among the person's activated segments"`
	PhoneMD5    string `parquet:"phone_md5" pii:"identifier" desc:"MD5 hex (lower case) of the person's E.164 phone, as ad platforms match audiences"`
	PhoneSHA256 string `parquet:"phone_sha256" pii:"identifier" desc:"SHA-256 hex (lower case) of the person's E.164 phone"`
}

// ActivationChange is one phone added to or removed from an activated segment's audience since
// the previous night's (table `activation_changes`): what a sync tool applies to an ad platform or
// CRM audience, beside the full list. The previous night's list, plus the additions, minus the
// removals, is tonight's, and every night checks it.
type ActivationChange struct {
	PersonID    string `parquet:"person_id,optional" desc:"resolved person id: tonight's for an addition, last night's for a removal; null for the removal of a person erased tonight"`
	Segment     string `parquet:"segment" desc:"rule segment activated tonight or last night"`
	Change      string `parquet:"change" desc:"added or removed"`
	Reason      string `parquet:"reason" desc:"added: joined or phone_changed; removed: no_consent, open_complaint, no_phone, frequency_cap (excluded tonight), phone_changed, left_segment (no longer matches, or no longer a person), segment_inactive (the segment is no longer activated) or erased"`
	PhoneMD5    string `parquet:"phone_md5" pii:"identifier" desc:"MD5 hex (lower case) of the E.164 phone, as in the audience files"`
	PhoneSHA256 string `parquet:"phone_sha256" pii:"identifier" desc:"SHA-256 hex (lower case) of the E.164 phone"`
}

// CharacteristicAssociation is a combination of customer characteristics that persons share more
// often than chance would have it (table `characteristic_associations`): an association analysis
// of the portraits' grades, channel, lifecycle and demographics, beside the basket rules.
type CharacteristicAssociation struct {
	AssociationID   int64    `parquet:"association_id" desc:"1 = highest lift (then support)"`
	Characteristics []string `parquet:"characteristics,list" desc:"the combination, column=value items sorted, such as contribution_grade=5, lifecycle=loyal"`
	Size            int32    `parquet:"size" desc:"number of characteristics in the combination, 2 or more"`
	Count           int64    `parquet:"count" desc:"persons with every characteristic of the combination"`
	Support         float64  `parquet:"support" desc:"count divided by the persons, 0 to 1"`
	ExpectedSupport float64  `parquet:"expected_support" desc:"product of the characteristics' own supports: the support if they were independent"`
	Lift            float64  `parquet:"lift" desc:"support divided by expected_support; above 1: the characteristics occur together more often than by chance"`
}

func init() {
	register[SegmentMembership](
		"segment_membership",
		"one row per person and segment they belong to: rule, RFM, value decile and cluster segments",
	)
	register[SegmentSummary](
		"segment_summary",
		"one row per segment: size, share of persons and of GMV, mean CLV, and the change since "+
			"the previous night",
	)
	register[ClusterProfile](
		"cluster_profiles",
		"one row per k-means cluster of persons: size, centroid in original units and a readable label",
	)
	register[AffinityRule](
		"affinity_rules",
		"one row per association rule mined from the baskets of paid orders, at SKU and category level",
	)
	register[NextBestProduct](
		"next_best_products",
		"one row per person and suggested product, from the rules their purchases fire",
	)
	register[Activation](
		"activation",
		"one row per person and activated segment, after consent, complaint and contact-frequency "+
			"exclusions; phones only as MD5 and SHA-256",
	)
	register[ActivationChange](
		"activation_changes",
		"one row per phone added to or removed from an activated segment's audience since the previous "+
			"night, with the reason",
	)
	register[CharacteristicAssociation](
		"characteristic_associations",
		"one row per combination of customer characteristics (grades, channel, lifecycle, "+
			"demographics) that occur together more often than chance",
	)
}
