// Everything generated NDR code includes.
#pragma once

#include "nca/ndr/charset.h"
#include "nca/ndr/data_rep.h"
#include "nca/ndr/error.h"
#include "nca/ndr/print.h"
#include "nca/ndr/pull.h"
#include "nca/ndr/push.h"
#include "nca/ndr/types.h"
