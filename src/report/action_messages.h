#pragma once
// Ready-to-send texts for the action list (actions.csv / actions.json), so that a CRM or SMS
// tool needs no join: why the customer is on the list, in words, and a message for the
// action's channel, in English and Chinese. Private to report/.

#include <string>

#include "churnwatch/policy_engine.h"
#include "churnwatch/report.h"

namespace churnwatch::run_output {

struct RunState;

/// The customer's reasons as sentences quoting their own numbers: the messages of the rules
/// that fired, then the model's reasons, strongest first ("; " / "；" between them).
Bilingual ReasonText(const RunState& state, const ActionItem& action);

/// The text to send (sms, app, email) or the opening line for the call (phone, store) of the
/// action's key; a retailer's own action key gets its label. Products recommended for the
/// customer are named in the text of "alternative_products".
Bilingual ActionMessage(const ActionItem& action);

}  // namespace churnwatch::run_output
