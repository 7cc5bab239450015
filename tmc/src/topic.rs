//! Typed topics: the [`Topic`] trait that the generated topic crates (`topgen-tmc-*`)
//! implement for each topic's content.

/// A TMC topic with typed content. Implemented by the content struct of each topic of the
/// generated topic crates (`topgen_tmc_taobao_trade::TradeCreate` for `taobao_trade_TradeCreate`),
/// decoded leniently from the message's JSON like API replies are (ids as numbers or strings,
/// dates as TOP text or epoch milliseconds, money as exact decimals); fields the definition
/// does not name are ignored.
///
/// Register a handler for it with [`ConsumerBuilder::on`](crate::ConsumerBuilder::on).
pub trait Topic: serde::de::DeserializeOwned + Send + 'static {
    /// The topic's name on the wire: `taobao_trade_TradeCreate`.
    const NAME: &'static str;
}
