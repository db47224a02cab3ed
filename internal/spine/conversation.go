package spine

import "slices"

// Conversation is the messages of one conversationID, in input order.
type Conversation struct {
	ID       string
	Messages []Message
}

// Grouper groups messages by conversationID, remembering the order in which
// each conversation was first seen (docs/rules.md §1).
type Grouper struct {
	index map[string]int
	convs []Conversation
}

// NewGrouper returns an empty Grouper.
func NewGrouper() *Grouper { return &Grouper{index: make(map[string]int)} }

// Add appends m to its conversation.
func (g *Grouper) Add(m Message) {
	i, ok := g.index[m.ConversationID]
	if !ok {
		i = len(g.convs)
		g.index[m.ConversationID] = i
		g.convs = append(g.convs, Conversation{ID: m.ConversationID})
	}
	g.convs[i].Messages = append(g.convs[i].Messages, m)
}

// Len is the number of conversations seen.
func (g *Grouper) Len() int { return len(g.convs) }

// Conversations returns the conversations in first-seen order.
func (g *Grouper) Conversations() []Conversation { return g.convs }

// sortByTime sorts messages by time; ties keep input order.
func sortByTime(msgs []Message) {
	// Logs are mostly in time order: checking is cheaper than even an
	// insertion sort's comparisons through a function.
	sorted := true
	for i := 1; i < len(msgs) && sorted; i++ {
		sorted = msgs[i-1].Time <= msgs[i].Time
	}
	if sorted {
		return
	}
	slices.SortStableFunc(msgs, func(a, b Message) int {
		switch {
		case a.Time < b.Time:
			return -1
		case a.Time > b.Time:
			return 1
		}
		return 0
	})
}
