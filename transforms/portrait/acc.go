package portrait

// Acc accumulates every fact of one person: the Add methods take one fact each, Merge folds two
// partial accumulators, and Finish turns the total into a portrait. Its size is bounded per person
// whatever the number of facts: counters, a 90-day activity bitmap, hour and weekday histograms,
// one entry per purchase day, and capped lists (64 categories, 64 brands, 64 vendor interests,
// 512 messages of the last 30 days, a 512-hash session sketch). Merge is commutative and
// associative (up to those caps), so the portrait does not depend on how facts were bundled.
type Acc struct {
	// The spine and the facts.
	spine         int32 // rows of the person spine (1, or 0 when the person is missing from it)
	spineAccounts int32 // accounts the spine gives the person
	facts         int32 // facts used

	// Who.
	accounts       int32 // account rows
	consentRefused int32 // accounts that refused marketing
	registeredAt   int64 // earliest registration, 0 for none
	phone          latest
	gender         latest
	birthYear      latest
	city           latest
	province       latest
	ageBand        latest // vendor
	cityTier       latest // vendor
	incomeBand     latest // vendor
	interests      []string
	vendorRows     int32

	// Value.
	orders         int32 // paid orders
	items          int32 // units in paid orders
	discountOrders int32
	couponOrders   int32
	weekendOrders  int32
	gmv            int64
	refund         int64
	lineAmount     int64 // amount of the lines of paid orders, for the average unit price
	lineUnits      int32 // units of those lines
	cancelled      int32 // orders placed and cancelled
	refundedOrders int32 // paid orders with a refund
	firstOrder     int64
	lastOrder      int64
	purchaseDays   []daySpend
	// pending counts paid orders placed by the as-of day whose payment came after it: no
	// purchase yet as of that day, and no purchase after it either (see PersonDays).
	pending int32

	// Interests.
	categories []weight
	brands     []weight

	// Where and when.
	channels  [len(channelNames)]int32
	weekdays  [7]int32 // engagement per ISO weekday (index 0 is Monday)
	hours     [24]int32
	messages  []message
	unsubAt   [len(touchChannels)]int64 // latest unsubscribe per touch channel
	touchedAt [len(touchChannels)]int64 // latest send or delivery per touch channel

	// Activity.
	active       [2]uint64 // bit i: active i business days before the as-of day (0 to 89)
	sessions     sessionSketch
	events       int32
	lastSeen     int64
	firstSeen    int64 // earliest event or order, 0 for none
	lastInterest int64 // latest cart, favourite or follow
	lastCart     int64

	// Feedback.
	reviews        int32
	rated          int32 // rated reviews and posts
	ratingSum      int64
	scored         int32 // texts scored by the sentiment model
	positiveSum    int64 // their probabilities of being positive, in sentimentScale units
	negative       int32
	tickets        int32
	complaints     int32
	openComplaints int32
	disputes       int32 // complaint and return tickets
	posts          int32
}

// channelNames are the channels of events and orders, in preference order for ties.
var channelNames = [...]string{"app", "mini_program", "web"}

// touchChannels are the channels of marketing touches.
var touchChannels = [...]string{"email", "push", "sms"}

// sentimentScale is the fixed point of summed probabilities, for exact, order-independent sums.
const sentimentScale = 1e9

// activeDays is the length of the activity bitmap.
const activeDays = 90

// Merge adds b's facts to a. b is left unchanged and shares no memory with a afterwards.
func (a *Acc) Merge(b *Acc) {
	a.spine += b.spine
	a.spineAccounts = max(a.spineAccounts, b.spineAccounts)
	a.facts += b.facts
	a.accounts += b.accounts
	a.consentRefused += b.consentRefused
	a.registeredAt = minSet(a.registeredAt, b.registeredAt)
	a.phone.offer(b.phone)
	a.gender.offer(b.gender)
	a.birthYear.offer(b.birthYear)
	a.city.offer(b.city)
	a.province.offer(b.province)
	a.ageBand.offer(b.ageBand)
	a.cityTier.offer(b.cityTier)
	a.incomeBand.offer(b.incomeBand)
	for _, v := range b.interests {
		a.interests = addSet(a.interests, v)
	}
	a.vendorRows += b.vendorRows

	a.orders += b.orders
	a.items += b.items
	a.discountOrders += b.discountOrders
	a.couponOrders += b.couponOrders
	a.weekendOrders += b.weekendOrders
	a.gmv += b.gmv
	a.refund += b.refund
	a.lineAmount += b.lineAmount
	a.lineUnits += b.lineUnits
	a.cancelled += b.cancelled
	a.refundedOrders += b.refundedOrders
	a.firstOrder = minSet(a.firstOrder, b.firstOrder)
	a.lastOrder = max(a.lastOrder, b.lastOrder)
	for _, d := range b.purchaseDays {
		a.purchaseDays = addDay(a.purchaseDays, d.Day, d.Fen)
	}
	a.pending += b.pending

	a.categories = mergeWeights(a.categories, b.categories)
	a.brands = mergeWeights(a.brands, b.brands)

	for i := range a.channels {
		a.channels[i] += b.channels[i]
	}
	for i := range a.weekdays {
		a.weekdays[i] += b.weekdays[i]
	}
	for i := range a.hours {
		a.hours[i] += b.hours[i]
	}
	for _, m := range b.messages {
		a.messages = addMessage(a.messages, m)
	}
	for i := range a.unsubAt {
		a.unsubAt[i] = max(a.unsubAt[i], b.unsubAt[i])
		a.touchedAt[i] = max(a.touchedAt[i], b.touchedAt[i])
	}

	a.active[0] |= b.active[0]
	a.active[1] |= b.active[1]
	for _, h := range b.sessions {
		a.sessions = a.sessions.add(h)
	}
	a.events += b.events
	a.lastSeen = max(a.lastSeen, b.lastSeen)
	a.firstSeen = minSet(a.firstSeen, b.firstSeen)
	a.lastInterest = max(a.lastInterest, b.lastInterest)
	a.lastCart = max(a.lastCart, b.lastCart)

	a.reviews += b.reviews
	a.rated += b.rated
	a.ratingSum += b.ratingSum
	a.scored += b.scored
	a.positiveSum += b.positiveSum
	a.negative += b.negative
	a.tickets += b.tickets
	a.complaints += b.complaints
	a.openComplaints += b.openComplaints
	a.disputes += b.disputes
	a.posts += b.posts
}

// minSet is the smaller of two timestamps where 0 means none.
func minSet(a, b int64) int64 {
	if a == 0 || (b != 0 && b < a) {
		return b
	}
	return a
}
