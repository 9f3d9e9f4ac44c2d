export { CardError, type CardErrorCode, type CardErrorInfo } from './error'
export {
  CARD_API_MIN_VERSION,
  UPGRADE_TEXT,
  compareVersion,
  getSDKVersion,
  isCardApiSupported,
  showUpgradeModal,
  type CardApi,
} from './version'
export {
  validateCardExt,
  normalizeCardList,
  normalizeOpenList,
  type CardExtFields,
  type AddCardInput,
  type OpenCardInput,
} from './validate'
export { addCards, openCards, assertSupported, toCardError, type AddCardResult, type OpenCardResult } from './api'
export {
  guardLifetimes,
  guardProperties,
  reportError,
  settle,
  type CancelDetail,
  type CompleteDetail,
  type FailDetail,
  type Outcome,
  type UnsupportedDetail,
} from './component'
