// Package mailout builds, queues and sends the desk's outgoing mail: public
// replies, canned-reply templates and automatic responses.
//
// Every message is written to the outbox (local state under the git dir,
// never committed) before anything is sent, and is sent from there, so a
// failed or interrupted send is retried rather than lost. The ticket file is
// the record of what was said; the outbox only holds bytes on their way out.
//
// Customer text is data: it is never executed as a template. Internal notes
// are never mailed. Nothing here prints or prompts; commands do that.
package mailout
