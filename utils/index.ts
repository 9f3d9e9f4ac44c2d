// The card API for mini-program code: pure TypeScript, no UI. The tags use exactly this.
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
  type AddCardInput,
  type AddCardRequestInfo,
  type CardExtFields,
  type OpenCardInput,
} from './validate'
export {
  addCards,
  openCards,
  prepareAddCards,
  prepareOpenCards,
  assertSupported,
  toCardError,
  type AddCardResponseInfo,
  type AddCardResult,
  type OpenCardResult,
  type PreparedCardCall,
} from './api'
export { fetchFreshCards, requestCardList, type CardExtRequestOptions, type CardSource } from './source'
export type {
  CardCodeResult,
  CardCodesRequestBody,
  CardCodesResponseBody,
  CardExtRequestBody,
  CardExtResponseBody,
  ErrorResponseBody,
  UserCard,
  UserCardStatus,
  UserCardsResponseBody,
} from './protocol'
