// Package explain shows why a conversation got its outcome: its timeline,
// how acknowledgements were paired, the roles, the derived facts, the SLA
// and the outcome rule that decided, as text or JSON.
//
// It renders a *spine.Classification and never re-derives anything: the
// facts and the rule are the classifier's own, so an explanation cannot
// disagree with the transfers the run wrote.
package explain
