package explain

// Explanation is everything shown about one conversation. Message numbers
// (N, and the ints of Pairing, Roles, …) are 1-based positions in Messages,
// which are in time order.
type Explanation struct {
	ConversationID string `json:"conversationId"`
	// Window is the metric month; nil when there is none (a local input
	// read without DATE_ANCHOR: every conversation counts as in it).
	Window     *Window `json:"window"`
	CutoffDays int     `json:"cutoffDays"` // 0 = no cutoff
	IsTransfer bool    `json:"isTransfer"`
	// Skipped says why the conversation is not a transfer of the month.
	Skipped  string    `json:"skipped,omitempty"`
	Messages []Message `json:"messages"`
	Pairing  []Pairing `json:"pairing"`
	Dropped  []Dropped `json:"dropped"`
	Roles    *Roles    `json:"roles"`
	Facts    []Fact    `json:"facts"`
	SLA      *SLA      `json:"sla"`
	Outcome  *Outcome  `json:"outcome"`
}

// Window is the metric month, [Start, End) in UTC.
type Window struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// Message is one row of the timeline.
type Message struct {
	N           int     `json:"n"`
	Time        string  `json:"time"`
	Type        string  `json:"type"` // the interaction in words
	Interaction string  `json:"interactionId"`
	Sender      Party   `json:"sender"`
	Recipient   Party   `json:"recipient"`
	GUID        string  `json:"guid"`
	MessageRef  string  `json:"messageRef"` // "" = none
	Error       *Error  `json:"error"`      // nil = no error
	FromSystem  *string `json:"fromSystem"`
	ToSystem    *string `json:"toSystem"`
	Role        string  `json:"role"`
	Disposition string  `json:"disposition"`
}

// Party is a sender or recipient: its ASID and, when the organisation
// metadata knows it, its practice.
type Party struct {
	ASID    string `json:"asid"`
	ODSCode string `json:"odsCode,omitempty"`
	Name    string `json:"name,omitempty"`
}

// Error is an acknowledgement's error code and its meaning.
type Error struct {
	Code    int64  `json:"code"`
	Meaning string `json:"meaning"`
}

// Pairing is one entry of the GUID → entry map (docs/rules.md §4).
type Pairing struct {
	GUID     string `json:"guid"`
	Message  int    `json:"message"`
	Acks     []int  `json:"acks"`
	Replaced []int  `json:"replaced"` // earlier messages with this GUID it superseded
}

// Dropped is a message that took no part in the transfer, and why.
type Dropped struct {
	Message     int    `json:"message"`
	Disposition string `json:"disposition"`
	Reason      string `json:"reason"`
}

// Roles are the entries by role (docs/rules.md §5), as message numbers.
type Roles struct {
	Request        int    `json:"request"`
	RequestingASID string `json:"requestingAsid"`
	SendingASID    string `json:"sendingAsid"`
	CoreEHRs       []int  `json:"coreEhrs"`
	Continues      []int  `json:"copcContinues"`
	Fragments      []int  `json:"copcFragments"`
	Ignored        []int  `json:"ignored"`
	// EffectiveEHR and EffectiveAck are the core EHR and its final ack that
	// decide integration (docs/rules.md §6); 0 when there is none.
	EffectiveEHR int `json:"effectiveCoreEhr"`
	EffectiveAck int `json:"effectiveFinalAck"`
}

// Fact is one derived fact of docs/rules.md.
type Fact struct {
	Name    string `json:"name"`
	Value   any    `json:"value"` // bool, or a list of error codes (null elements kept)
	Meaning string `json:"meaning"`
}

// SLA is the time from the effective core EHR to its final ack.
type SLA struct {
	Microseconds int64  `json:"microseconds"` // exact, as the rules use it
	Seconds      uint64 `json:"seconds"`      // rounded half to even, as in transfers.parquet
	Text         string `json:"text"`
	Band         string `json:"band"`
	Clamped      bool   `json:"clampedFromNegative"`
}

// Outcome is the rule that decided, and the earlier rules that did not match.
type Outcome struct {
	Status        string  `json:"status"`
	FailureReason *string `json:"failureReason"`
	// V11Status and V11FailureReason are the same outcome as gp2gp
	// classify's v11 table spells it (set by explain --daily).
	V11Status        string  `json:"v11Status,omitempty"`
	V11FailureReason *string `json:"v11FailureReason,omitempty"`
	Rule             Rule    `json:"rule"`
	NotMatched       []Rule  `json:"notMatched"`
}

// Rule is a row of the outcome table.
type Rule struct {
	ID        string  `json:"id"`
	Condition string  `json:"condition"`
	Status    string  `json:"status"`
	Reason    *string `json:"failureReason"`
}
